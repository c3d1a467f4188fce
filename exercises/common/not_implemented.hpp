#pragma once
// What an exercise's unwritten function throws: it names the exercise and the function and says where
// the task is described, e.g.
//   exercise 01-optimizer-step: step() is not written yet (see exercises/01-optimizer-step/README.md)
// An xg::Error, so a program that catches xgrad's errors also reports this one. (It lives here, not in
// xgrad's core: only the exercises use it.)

#include <xgrad/core/error.hpp>

#include <string>

namespace course {

class NotImplemented : public xg::Error {
 public:
  NotImplemented(const std::string& exercise, const std::string& function)
      : xg::Error("exercise " + exercise + ": " + function + " is not written yet (see exercises/" + exercise +
                  "/README.md)") {}
};

}  // namespace course
