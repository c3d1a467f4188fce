#pragma once
// Everything in xgrad's data package; included by <xgrad/xgrad.hpp>.

#include <xgrad/data/csv.hpp>
#include <xgrad/data/dataloader.hpp>
#include <xgrad/data/dataset.hpp>
#include <xgrad/data/idx.hpp>
#include <xgrad/data/mnist.hpp>
#include <xgrad/data/preprocess.hpp>
#include <xgrad/data/sampler.hpp>
#include <xgrad/data/synthetic.hpp>
