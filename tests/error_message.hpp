#pragma once
// What the error tests compare: the message of the xg::Error a piece of code throws.

#include <xgrad/core/error.hpp>

#include <string>

namespace xg_test {

// The message of the xg::Error that `body` throws, or kNoError when it throws none.
inline const std::string kNoError = "(no xg::Error thrown)";

template <typename Body>
std::string error_message(Body&& body) {
  try {
    body();
  } catch (const xg::Error& error) {
    return error.what();
  }
  return kNoError;
}

}  // namespace xg_test
