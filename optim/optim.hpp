#pragma once
// Everything in xgrad's optim package; included by <xgrad/xgrad.hpp>.
#include <xgrad/optim/optimizer.hpp>
