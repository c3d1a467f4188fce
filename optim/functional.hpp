#pragma once
// Every optimizer's update of ONE element, as a small inline function: the one place each formula is
// written. The optimizer classes call these in their fused loops, and you can call them on plain
// floats to see (or teach) what a step does. With g the gradient (negated when maximizing, plus
// weight_decay * w for the L2 term) and t the parameter's own step count:
//   SGD      buf = momentum * buf + (1 - dampening) * g          (buf = g on the first step)
//            w = w - lr * (nesterov ? g + momentum * buf : buf)  (w = w - lr * g without momentum)
//   Adam     m = beta1 * m + (1 - beta1) * g,  v = beta2 * v + (1 - beta2) * g^2
//            w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
//   AdamW    w = w * (1 - lr * weight_decay), then Adam without the L2 term
//   RMSprop  s = alpha * s + (1 - alpha) * g^2,  w = w - lr * g / (sqrt(s) + eps)
//   Adagrad  sum = sum + g^2,  w = w - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
//   NAdam    Adam's m and v, then a Nesterov step mixing g and m with momentum mu_t (below)
//   RAdam    Adam's m and v; once the variance is tractable (rho_t > 5) the Adam step scaled by rect,
//            before that SGD with momentum: w = w - lr * m / (1 - beta1^t)
//   Adamax   m as Adam,  u = max(beta2 * u, |g| + eps),  w = w - lr / (1 - beta1^t) * m / u
//   Adadelta s = rho * s + (1 - rho) * g^2,  delta = sqrt(d + eps) / sqrt(s + eps) * g,
//            d = rho * d + (1 - rho) * delta^2,  w = w - lr * delta
// (Variants: AMSGrad, centered RMSprop and momentum, beside their functions below.)
//
// Exactness. These reproduce torch.optim 1.13 (its default single-tensor code on CPU) bit for bit:
//  - Scalars: PyTorch computes hyperparameter arithmetic (1 - beta1, lr / (1 - beta1^t), ...) in double
//    (Python floats), then each tensor op rounds its scalar to float. The *StepConstants below do the same.
//  - Element ops: each PyTorch tensor op rounds once. Its CPU kernels compute `x.add(y, alpha=a)` and
//    `x.addcmul(y, z, value=v)` as ONE fused multiply-add (x + a*y rounded once), while `mul_`, `sqrt`,
//    `addcdiv` (x + (v*y)/z) round after every operation. So std::fma appears exactly where PyTorch
//    fuses, and nowhere else. (Build with -ffp-contract=off, as xgrad does, or the compiler may fuse
//    more than PyTorch does.)

#include <cmath>
#include <cstdint>

// The per-element functions are always inlined into the loops that call them, so that those loops can
// be compiled with FMA instructions (optim/detail/kernel_attributes.hpp) where std::fma is one
// instruction and not a call.
#if defined(__GNUC__) || defined(__clang__)
#define XG_OPTIM_INLINE inline __attribute__((always_inline))
#else
#define XG_OPTIM_INLINE inline
#endif

namespace xg::optim::functional {

// Plain gradient descent on one number, for teaching: w - lr * grad. (PyTorch: w.add_(grad, alpha=-lr),
// one fused multiply-add.)
XG_OPTIM_INLINE float sgd_step(float w, float grad, double lr) { return std::fma(grad, static_cast<float>(-lr), w); }

// Every optimizer below is written the same way: a `<Name>StepConstants` struct holds its step's scalars
// as floats, `<name>_step_constants(...)` computes them from the hyperparameters in double and rounds
// each once (as PyTorch does), and `<name>_update(...)` is the formula for one element. The two pieces
// many of them share come first.

// ---- The gradient they start from ----------------------------------------------------------------------
// g = grad (negated when maximizing), plus the L2 term weight_decay * w.
struct GradientTerms {
  float weight_decay = 0;
  bool has_weight_decay = false;
  float grad_sign = 1;  // -1 when maximizing: multiplying by -1 negates exactly, without a branch
};

XG_OPTIM_INLINE GradientTerms gradient_terms(double weight_decay, bool maximize) {
  return {static_cast<float>(weight_decay), weight_decay != 0.0, maximize ? -1.0f : 1.0f};
}

XG_OPTIM_INLINE float l2_gradient(float param, float grad, const GradientTerms& k) {
  const float g = grad * k.grad_sign;
  return k.has_weight_decay ? std::fma(param, k.weight_decay, g) : g;  // grad.add(param, alpha=wd)
}

// ---- Running averages --------------------------------------------------------------------------------
// avg = rate * avg + (1 - rate) * x, the exponential moving average Adam (beta1, beta2), RMSprop (alpha)
// and Adadelta (rho) keep of g, g^2 or their steps. 1 - rate is computed in double, then both rounded.
struct Decay {
  float rate = 0;
  float one_minus_rate = 0;
};

XG_OPTIM_INLINE Decay decay(double rate) { return {static_cast<float>(rate), static_cast<float>(1.0 - rate)}; }

// avg.mul_(rate).add_(x, alpha=1 - rate): avg * rate rounded, then one fused multiply-add.
XG_OPTIM_INLINE float running_average(float avg, float x, const Decay& d) {
  return std::fma(x, d.one_minus_rate, avg * d.rate);
}

// Of x^2: avg.mul_(rate).addcmul_(x, x, value=1 - rate), (1 - rate) * x rounded, then fused.
XG_OPTIM_INLINE float running_average_of_square(float avg, float x, const Decay& d) {
  return std::fma(d.one_minus_rate * x, x, avg * d.rate);
}

// Adam's two: m of g and v of g^2.
struct MomentTerms {
  Decay beta1, beta2;
};

XG_OPTIM_INLINE MomentTerms moment_terms(double beta1, double beta2) { return {decay(beta1), decay(beta2)}; }

XG_OPTIM_INLINE void update_first_moment(float g, float& exp_avg, const MomentTerms& k) {
  exp_avg = running_average(exp_avg, g, k.beta1);
}

XG_OPTIM_INLINE void update_moments(float g, float& exp_avg, float& exp_avg_sq, const MomentTerms& k) {
  update_first_moment(g, exp_avg, k);
  exp_avg_sq = running_average_of_square(exp_avg_sq, g, k.beta2);
}

// ---- SGD -------------------------------------------------------------------------------------------
struct SGDStepConstants {
  GradientTerms gradient;
  float momentum = 0;
  float one_minus_dampening = 1;  // 1 - dampening
  bool nesterov = false;
  float neg_lr = 0;  // -lr
};

XG_OPTIM_INLINE SGDStepConstants sgd_step_constants(double lr, double momentum, double dampening, double weight_decay,
                                                    bool nesterov, bool maximize) {
  SGDStepConstants c;
  c.gradient = gradient_terms(weight_decay, maximize);
  c.momentum = static_cast<float>(momentum);
  c.one_minus_dampening = static_cast<float>(1.0 - dampening);
  c.nesterov = nesterov;
  c.neg_lr = static_cast<float>(-lr);
  return c;
}

// SGD without momentum: w -= lr * g.
XG_OPTIM_INLINE void sgd_update(float& param, float grad, const SGDStepConstants& c) {
  param = std::fma(l2_gradient(param, grad, c.gradient), c.neg_lr, param);  // param.add_(d_p, alpha=-lr)
}

// SGD with momentum. The buffer starts as the first gradient itself (no dampening on that step);
// after that buf = momentum * buf + (1 - dampening) * g. Nesterov steps along g + momentum * buf.
XG_OPTIM_INLINE void sgd_momentum_update(float& param, float grad, float& momentum_buffer, bool first_step,
                                         const SGDStepConstants& c) {
  float d_p = l2_gradient(param, grad, c.gradient);
  // buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
  momentum_buffer = first_step ? d_p : std::fma(d_p, c.one_minus_dampening, momentum_buffer * c.momentum);
  d_p = c.nesterov ? std::fma(momentum_buffer, c.momentum, d_p) : momentum_buffer;  // d_p.add(buf, alpha=momentum)
  param = std::fma(d_p, c.neg_lr, param);
}

// ---- Adam and AdamW --------------------------------------------------------------------------------
struct AdamStepConstants {
  MomentTerms moments;
  GradientTerms gradient;           // Adam's L2 term (none for AdamW, which decays the weights instead)
  float neg_step_size = 0;          // -lr / (1 - beta1^t)
  float bias_correction2_sqrt = 1;  // sqrt(1 - beta2^t)
  float eps = 0;
  float param_decay = 1;  // AdamW: w *= 1 - lr * weight_decay before the step
};

// Constants for a parameter's step number `step` (1 on its first step). Adam: decoupled = false,
// weight_decay is L2 added to the gradient. AdamW: decoupled = true, the weights shrink by
// 1 - lr * weight_decay first (with the current lr, so a scheduler scales the decay too).
XG_OPTIM_INLINE AdamStepConstants adam_step_constants(double lr, double beta1, double beta2, double eps,
                                                      double weight_decay, bool decoupled, bool maximize,
                                                      std::int64_t step) {
  const double t = static_cast<double>(step);
  const double bias_correction1 = 1.0 - std::pow(beta1, t);
  const double bias_correction2 = 1.0 - std::pow(beta2, t);
  AdamStepConstants c;
  c.moments = moment_terms(beta1, beta2);
  c.gradient = gradient_terms(decoupled ? 0.0 : weight_decay, maximize);
  c.neg_step_size = static_cast<float>(-(lr / bias_correction1));
  c.bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  c.eps = static_cast<float>(eps);
  if (decoupled) c.param_decay = static_cast<float>(1.0 - lr * weight_decay);
  return c;
}

// w -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps), in PyTorch's order of operations.
XG_OPTIM_INLINE void adam_param_step(float& param, float exp_avg, float second_moment, const AdamStepConstants& c) {
  const float denom = std::sqrt(second_moment) / c.bias_correction2_sqrt + c.eps;
  param = param + (c.neg_step_size * exp_avg) / denom;  // param.addcdiv_(exp_avg, denom, value=-step_size)
}

XG_OPTIM_INLINE void adam_update(float& param, float grad, float& exp_avg, float& exp_avg_sq,
                                 const AdamStepConstants& c) {
  update_moments(l2_gradient(param, grad, c.gradient), exp_avg, exp_avg_sq, c.moments);
  adam_param_step(param, exp_avg, exp_avg_sq, c);
}

// AMSGrad keeps the running maximum of the raw second moment v (not of the bias-corrected one, whatever
// the docs' pseudo-code says) and divides by that instead. NaN propagates, as in torch.maximum.
XG_OPTIM_INLINE void adam_amsgrad_update(float& param, float grad, float& exp_avg, float& exp_avg_sq,
                                         float& max_exp_avg_sq, const AdamStepConstants& c) {
  update_moments(l2_gradient(param, grad, c.gradient), exp_avg, exp_avg_sq, c.moments);
  max_exp_avg_sq = (exp_avg_sq > max_exp_avg_sq || std::isnan(exp_avg_sq)) ? exp_avg_sq : max_exp_avg_sq;
  adam_param_step(param, exp_avg, max_exp_avg_sq, c);
}

// AdamW: decay the weights first (param.mul_(1 - lr * wd)), then Adam without L2. The gradient was
// taken at the undecayed weights.
XG_OPTIM_INLINE void adamw_update(float& param, float grad, float& exp_avg, float& exp_avg_sq,
                                  const AdamStepConstants& c) {
  param = param * c.param_decay;
  adam_update(param, grad, exp_avg, exp_avg_sq, c);
}

XG_OPTIM_INLINE void adamw_amsgrad_update(float& param, float grad, float& exp_avg, float& exp_avg_sq,
                                          float& max_exp_avg_sq, const AdamStepConstants& c) {
  param = param * c.param_decay;
  adam_amsgrad_update(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, c);
}

// ---- RMSprop ---------------------------------------------------------------------------------------
struct RMSpropStepConstants {
  GradientTerms gradient;
  Decay alpha;
  float eps = 0;
  float momentum = 0;
  float neg_lr = 0;  // -lr
};

XG_OPTIM_INLINE RMSpropStepConstants rmsprop_step_constants(double lr, double alpha, double eps, double weight_decay,
                                                            double momentum, bool maximize) {
  RMSpropStepConstants c;
  c.gradient = gradient_terms(weight_decay, maximize);
  c.alpha = decay(alpha);
  c.eps = static_cast<float>(eps);
  c.momentum = static_cast<float>(momentum);
  c.neg_lr = static_cast<float>(-lr);
  return c;
}

// RMSprop: divide g by a running root-mean-square of g. `grad_avg` is null unless centered (then the
// running mean of g is subtracted from the mean square: a variance); `momentum_buffer` is null unless
// momentum > 0 (then the buffer accumulates the scaled steps).
XG_OPTIM_INLINE void rmsprop_update(float& param, float grad, float& square_avg, float* grad_avg,
                                    float* momentum_buffer, const RMSpropStepConstants& c) {
  const float g = l2_gradient(param, grad, c.gradient);
  square_avg = running_average_of_square(square_avg, g, c.alpha);
  float avg;
  if (grad_avg != nullptr) {
    *grad_avg = running_average(*grad_avg, g, c.alpha);
    avg = std::sqrt(std::fma(-*grad_avg, *grad_avg, square_avg));  // addcmul(ga, ga, value=-1).sqrt_()
  } else {
    avg = std::sqrt(square_avg);
  }
  avg = avg + c.eps;
  if (momentum_buffer != nullptr) {
    *momentum_buffer = *momentum_buffer * c.momentum + g / avg;  // buf.mul_(momentum).addcdiv_(g, avg)
    param = std::fma(*momentum_buffer, c.neg_lr, param);         // param.add_(buf, alpha=-lr)
  } else {
    param = param + (c.neg_lr * g) / avg;  // param.addcdiv_(g, avg, value=-lr)
  }
}

// ---- Adagrad ---------------------------------------------------------------------------------------
struct AdagradStepConstants {
  GradientTerms gradient;
  float neg_clr = 0;  // -lr / (1 + (t - 1) * lr_decay)
  float eps = 0;
};

XG_OPTIM_INLINE AdagradStepConstants adagrad_step_constants(double lr, double lr_decay, double weight_decay, double eps,
                                                            bool maximize, std::int64_t step) {
  AdagradStepConstants c;
  c.gradient = gradient_terms(weight_decay, maximize);
  c.neg_clr = static_cast<float>(-(lr / (1.0 + (static_cast<double>(step) - 1.0) * lr_decay)));
  c.eps = static_cast<float>(eps);
  return c;
}

// Adagrad: divide g by the root of the sum of all squared gradients so far.
XG_OPTIM_INLINE void adagrad_update(float& param, float grad, float& sum, const AdagradStepConstants& c) {
  const float g = l2_gradient(param, grad, c.gradient);
  sum = std::fma(g, g, sum);  // state_sum.addcmul_(g, g, value=1)
  const float std_dev = std::sqrt(sum) + c.eps;
  param = param + (c.neg_clr * g) / std_dev;  // param.addcdiv_(g, std, value=-clr)
}

// ---- NAdam -----------------------------------------------------------------------------------------
// Adam with Nesterov momentum (Dozat): the momentum coefficient warms up as
//   mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)),
// mu_product is the product mu_1 * ... * mu_t (a float32 per parameter, as torch keeps it), and
//   w = w - lr * (1 - mu_t) / (1 - mu_product) * g / denom
//         - lr * mu_{t+1} / (1 - mu_product * mu_t * mu_{t+1}) * m / denom,   denom = sqrt(v / (1 - beta2^t)) + eps
// (the extra mu_t is torch 1.13's, see below).
struct NAdamStepConstants {
  MomentTerms moments;
  GradientTerms gradient;      // no maximize in torch 1.13's NAdam
  float bias_correction2 = 1;  // 1 - beta2^t
  float eps = 0;
  float grad_coefficient = 0;     // -lr * (1 - mu_t) / (1 - mu_product)
  float exp_avg_coefficient = 0;  // -lr * mu_{t+1} / (1 - mu_product * mu_t * mu_{t+1})
};

// Updates the parameter's mu_product (mu_product *= mu_t, rounded to float as torch's tensor is) and
// returns the step's constants.
XG_OPTIM_INLINE NAdamStepConstants nadam_step_constants(double lr, double beta1, double beta2, double eps,
                                                        double weight_decay, double momentum_decay, std::int64_t step,
                                                        float& mu_product) {
  const double t = static_cast<double>(step);
  const double mu = beta1 * (1.0 - 0.5 * std::pow(0.96, t * momentum_decay));
  const double mu_next = beta1 * (1.0 - 0.5 * std::pow(0.96, (t + 1.0) * momentum_decay));
  mu_product = mu_product * static_cast<float>(mu);  // mu_product *= mu (a float32 tensor)
  // torch 1.13 writes mu_product_next = mu_product * mu * mu_next, so mu_t is counted twice (fixed in
  // later versions); matching 1.13 means keeping it. Float tensor ops, each scalar rounded to float.
  const float mu_product_next = mu_product * static_cast<float>(mu) * static_cast<float>(mu_next);
  NAdamStepConstants c;
  c.moments = moment_terms(beta1, beta2);
  c.gradient = gradient_terms(weight_decay, /*maximize=*/false);
  c.bias_correction2 = static_cast<float>(1.0 - std::pow(beta2, t));
  c.eps = static_cast<float>(eps);
  c.grad_coefficient = static_cast<float>(-lr * (1.0 - mu) / (1.0 - static_cast<double>(mu_product)));
  c.exp_avg_coefficient = static_cast<float>((-lr * mu_next) / (1.0 - static_cast<double>(mu_product_next)));
  return c;
}

XG_OPTIM_INLINE void nadam_update(float& param, float grad, float& exp_avg, float& exp_avg_sq,
                                  const NAdamStepConstants& c) {
  const float g = l2_gradient(param, grad, c.gradient);
  update_moments(g, exp_avg, exp_avg_sq, c.moments);
  const float denom = std::sqrt(exp_avg_sq / c.bias_correction2) + c.eps;  // div(bc2).sqrt().add_(eps)
  param = param + (c.grad_coefficient * g) / denom;                        // addcdiv_(g, denom, value=...)
  param = param + (c.exp_avg_coefficient * exp_avg) / denom;               // addcdiv_(exp_avg, denom, value=...)
}

// ---- RAdam -----------------------------------------------------------------------------------------
// Rectified Adam (Liu et al.): rho_inf = 2 / (1 - beta2) - 1, rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t).
// While rho_t <= 5 the variance of the adaptive step is not yet tractable and the step is plain
// momentum, m / (1 - beta1^t); after that it is Adam's, scaled by the rectification
//   rect = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)).
struct RAdamStepConstants {
  MomentTerms moments;
  GradientTerms gradient;           // no maximize in torch 1.13's RAdam
  float bias_correction1 = 1;       // 1 - beta1^t
  float lr = 0;                     //
  float bias_correction2_sqrt = 1;  // sqrt(1 - beta2^t)
  float rect = 1;
  bool rectified = false;  // rho_t > 5
  float eps = 0;
};

XG_OPTIM_INLINE RAdamStepConstants radam_step_constants(double lr, double beta1, double beta2, double eps,
                                                        double weight_decay, std::int64_t step) {
  const double t = static_cast<double>(step);
  const double bias_correction1 = 1.0 - std::pow(beta1, t);
  const double bias_correction2 = 1.0 - std::pow(beta2, t);
  const double rho_inf = 2.0 / (1.0 - beta2) - 1.0;
  const double rho_t = rho_inf - 2.0 * t * std::pow(beta2, t) / bias_correction2;
  RAdamStepConstants c;
  c.moments = moment_terms(beta1, beta2);
  c.gradient = gradient_terms(weight_decay, /*maximize=*/false);
  c.bias_correction1 = static_cast<float>(bias_correction1);
  c.lr = static_cast<float>(lr);
  c.bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  c.rectified = rho_t > 5.0;
  if (c.rectified) {
    c.rect = static_cast<float>(
        std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)));
  }
  c.eps = static_cast<float>(eps);
  return c;
}

XG_OPTIM_INLINE void radam_update(float& param, float grad, float& exp_avg, float& exp_avg_sq,
                                  const RAdamStepConstants& c) {
  const float g = l2_gradient(param, grad, c.gradient);
  update_moments(g, exp_avg, exp_avg_sq, c.moments);
  const float bias_corrected_exp_avg = exp_avg / c.bias_correction1;
  if (c.rectified) {
    const float exp_avg_sq_sqrt = std::sqrt(exp_avg_sq) + c.eps;
    // math.sqrt(bc2) / tensor is Python's rdiv: tensor.reciprocal() * scalar, two roundings.
    const float adaptive_lr = (1.0f / exp_avg_sq_sqrt) * c.bias_correction2_sqrt;
    param = param - bias_corrected_exp_avg * c.lr * adaptive_lr * c.rect;  // add_(m * lr * alr * rect, alpha=-1)
  } else {
    param = param - bias_corrected_exp_avg * c.lr;  // add_(m * lr, alpha=-1)
  }
}

// ---- Adamax ----------------------------------------------------------------------------------------
// Adam with the infinity norm (Kingma & Ba, section 7): u = max(beta2 * u, |g| + eps) replaces sqrt(v).
struct AdamaxStepConstants {
  MomentTerms moments;  // m as Adam's; beta2 decays u in place of v
  GradientTerms gradient;
  float eps = 0;
  float neg_clr = 0;  // -lr / (1 - beta1^t)
};

XG_OPTIM_INLINE AdamaxStepConstants adamax_step_constants(double lr, double beta1, double beta2, double eps,
                                                          double weight_decay, bool maximize, std::int64_t step) {
  AdamaxStepConstants c;
  c.moments = moment_terms(beta1, beta2);
  c.gradient = gradient_terms(weight_decay, maximize);
  c.eps = static_cast<float>(eps);
  c.neg_clr = static_cast<float>(-(lr / (1.0 - std::pow(beta1, static_cast<double>(step)))));
  return c;
}

XG_OPTIM_INLINE void adamax_update(float& param, float grad, float& exp_avg, float& exp_inf,
                                   const AdamaxStepConstants& c) {
  const float g = l2_gradient(param, grad, c.gradient);
  update_first_moment(g, exp_avg, c.moments);
  // torch: amax(cat([exp_inf.mul_(beta2), g.abs().add_(eps)]), 0), which propagates a NaN from either.
  const float decayed = exp_inf * c.moments.beta2.rate;
  const float bound = std::fabs(g) + c.eps;
  exp_inf = (decayed > bound || std::isnan(decayed)) ? decayed : bound;
  param = param + (c.neg_clr * exp_avg) / exp_inf;  // addcdiv_(exp_avg, exp_inf, value=-clr)
}

// ---- Adadelta --------------------------------------------------------------------------------------
// Adadelta (Zeiler): the step's size comes from a running average of past steps, so lr (default 1)
// only scales it.
struct AdadeltaStepConstants {
  GradientTerms gradient;
  float neg_lr = 0;
  Decay rho;
  float eps = 0;
};

XG_OPTIM_INLINE AdadeltaStepConstants adadelta_step_constants(double lr, double rho, double eps, double weight_decay,
                                                              bool maximize) {
  AdadeltaStepConstants c;
  c.gradient = gradient_terms(weight_decay, maximize);
  c.neg_lr = static_cast<float>(-lr);
  c.rho = decay(rho);
  c.eps = static_cast<float>(eps);
  return c;
}

XG_OPTIM_INLINE void adadelta_update(float& param, float grad, float& square_avg, float& acc_delta,
                                     const AdadeltaStepConstants& c) {
  const float g = l2_gradient(param, grad, c.gradient);
  square_avg = running_average_of_square(square_avg, g, c.rho);
  const float std_dev = std::sqrt(square_avg + c.eps);             // square_avg.add(eps).sqrt_()
  const float delta = std::sqrt(acc_delta + c.eps) / std_dev * g;  // acc_delta.add(eps).sqrt_().div_(std).mul_(g)
  acc_delta = running_average_of_square(acc_delta, delta, c.rho);
  param = std::fma(delta, c.neg_lr, param);  // param.add_(delta, alpha=-lr)
}

}  // namespace xg::optim::functional
