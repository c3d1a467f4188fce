#pragma once
// Everything in xgrad's nn package; included by <xgrad/xgrad.hpp>.
