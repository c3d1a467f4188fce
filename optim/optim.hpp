#pragma once
// Everything in xgrad's optim package; included by <xgrad/xgrad.hpp>.
#include <xgrad/optim/adagrad.hpp>
#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/adamw.hpp>
#include <xgrad/optim/clip_grad.hpp>
#include <xgrad/optim/functional.hpp>
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/optim/rmsprop.hpp>
#include <xgrad/optim/sgd.hpp>
#include <xgrad/optim/state_dict.hpp>
