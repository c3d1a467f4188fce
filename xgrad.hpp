#pragma once
// The umbrella header: #include <xgrad/xgrad.hpp> brings in all of xgrad.

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/blas.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/factories.hpp>
#include <xgrad/core/generator.hpp>
#include <xgrad/core/shape.hpp>
#include <xgrad/core/tensor.hpp>
#include <xgrad/core/vector_math.hpp>

#include <xgrad/autograd/gradcheck.hpp>
#include <xgrad/autograd/graphviz.hpp>
#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/node.hpp>

#include <xgrad/data/data.hpp>
#include <xgrad/nn/nn.hpp>
#include <xgrad/optim/optim.hpp>

#include <xgrad/checkpoint/checkpoint.hpp>
