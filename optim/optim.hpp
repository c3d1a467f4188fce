#pragma once
// Everything in xgrad's optim package; included by <xgrad/xgrad.hpp>.

// Optimizers and their state
#include <xgrad/optim/adadelta.hpp>
#include <xgrad/optim/adagrad.hpp>
#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/adamax.hpp>
#include <xgrad/optim/adamw.hpp>
#include <xgrad/optim/clip_grad.hpp>
#include <xgrad/optim/functional.hpp>
#include <xgrad/optim/lbfgs.hpp>
#include <xgrad/optim/nadam.hpp>
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/optim/radam.hpp>
#include <xgrad/optim/rmsprop.hpp>
#include <xgrad/optim/sgd.hpp>
#include <xgrad/optim/state_dict.hpp>

// Learning-rate schedulers
#include <xgrad/optim/lr_scheduler/chained_scheduler.hpp>
#include <xgrad/optim/lr_scheduler/constant_lr.hpp>
#include <xgrad/optim/lr_scheduler/cosine_annealing_lr.hpp>
#include <xgrad/optim/lr_scheduler/cosine_annealing_warm_restarts.hpp>
#include <xgrad/optim/lr_scheduler/cyclic_lr.hpp>
#include <xgrad/optim/lr_scheduler/exponential_lr.hpp>
#include <xgrad/optim/lr_scheduler/lambda_lr.hpp>
#include <xgrad/optim/lr_scheduler/linear_lr.hpp>
#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>
#include <xgrad/optim/lr_scheduler/multi_step_lr.hpp>
#include <xgrad/optim/lr_scheduler/one_cycle_lr.hpp>
#include <xgrad/optim/lr_scheduler/polynomial_lr.hpp>
#include <xgrad/optim/lr_scheduler/reduce_lr_on_plateau.hpp>
#include <xgrad/optim/lr_scheduler/scheduler_state.hpp>
#include <xgrad/optim/lr_scheduler/sequential_lr.hpp>
#include <xgrad/optim/lr_scheduler/step_lr.hpp>
#include <xgrad/optim/lr_scheduler/warmup_cosine_lr.hpp>
