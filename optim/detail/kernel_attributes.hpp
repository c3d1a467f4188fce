#pragma once
// Internal: the optimizers' loops and their build attribute (the optimizer .cpp files and LBFGS use
// them; not installed).

#include <xgrad/optim/optimizer.hpp>

#include <cstddef>

// Marks an optimizer's loop to be compiled twice on x86-64, with and without FMA instructions, the CPU
// picking one when the program loads. Without FMA in the instruction set, std::fma is a library call per
// element, many times slower; with it, the loop vectorizes. Both give the same, correctly rounded results.
// (The per-element functions of optim/functional.hpp are always inlined into these loops, so that they
// are compiled with FMA instructions too.)
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && defined(__linux__) && \
    !defined(XGRAD_NO_TARGET_CLONES)
#define XG_OPTIM_KERNEL __attribute__((target_clones("fma", "default")))
#else
#define XG_OPTIM_KERNEL
#endif

// The same for the loop template below. Clang cannot clone a function template ("multiversioned
// functions do not yet support function templates"), so with clang the template picks its FMA copy by
// hand, with __builtin_cpu_supports: the choice target_clones makes, and the same results. (gcc keeps
// target_clones, whose code the golden tests and the optimizer bench were measured with.)
#if defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(XGRAD_NO_TARGET_CLONES)
#define XG_OPTIM_KERNEL_TEMPLATE
#define XG_OPTIM_FMA_BY_HAND
#else
#define XG_OPTIM_KERNEL_TEMPLATE XG_OPTIM_KERNEL
#endif

namespace xg::optim::detail {

#ifdef XG_OPTIM_FMA_BY_HAND
// for_each_value's loop compiled with FMA instructions (clang).
template <class Update, class... Buffers>
__attribute__((target("fma"))) void for_each_value_fma(std::size_t n, Update update, float* param, const float* grad,
                                                       Buffers*... buffers) {
  for (std::size_t i = 0; i < n; ++i) update(param[i], grad[i], buffers[i]...);
}
#endif

// An optimizer's loop over one parameter's n values: update(param[i], grad[i], buffer[i]...) for every
// i, where update is a lambda around the per-element formula that holds the step's constants by value
// (a local copy, so the compiler knows the stores into the buffers cannot change them).
template <class Update, class... Buffers>
XG_OPTIM_KERNEL_TEMPLATE void for_each_value(std::size_t n, Update update, float* param, const float* grad,
                                             Buffers*... buffers) {
#ifdef XG_OPTIM_FMA_BY_HAND
  if (__builtin_cpu_supports("fma")) return for_each_value_fma(n, update, param, grad, buffers...);
#endif
  for (std::size_t i = 0; i < n; ++i) update(param[i], grad[i], buffers[i]...);
}

// The same over `values` of the parameter (all of them, or a sharded step's part): every array points
// at the parameter's first value, and the loop runs over [values.begin, values.end).
template <class Update, class... Buffers>
void for_each_value(ValueRange values, Update update, float* param, const float* grad, Buffers*... buffers) {
  for_each_value(values.size(), update, param + values.begin, grad + values.begin, (buffers + values.begin)...);
}

}  // namespace xg::optim::detail
