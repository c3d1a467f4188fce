#pragma once
// Everything in xgrad's nn package; included by <xgrad/xgrad.hpp>.

#include <xgrad/nn/activation.hpp>
#include <xgrad/nn/dropout.hpp>
#include <xgrad/nn/flatten.hpp>
#include <xgrad/nn/functional.hpp>
#include <xgrad/nn/init.hpp>
#include <xgrad/nn/labels.hpp>
#include <xgrad/nn/linear.hpp>
#include <xgrad/nn/loss.hpp>
#include <xgrad/nn/metrics.hpp>
#include <xgrad/nn/mlp.hpp>
#include <xgrad/nn/module.hpp>
#include <xgrad/nn/normalization.hpp>
#include <xgrad/nn/sequential.hpp>
#include <xgrad/nn/serialize.hpp>
