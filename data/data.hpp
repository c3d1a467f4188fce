#pragma once
// Everything in xgrad's data package; included by <xgrad/xgrad.hpp>.
