// course::NotImplemented (exercises/common/not_implemented.hpp): what the exercises' unwritten
// functions throw. scripts/exercise.sh shows its message to the student, so the message is checked here.

#include "error_message.hpp"
#include "not_implemented.hpp"

#include <gtest/gtest.h>

namespace {

TEST(ExerciseCommon, NotImplementedNamesTheExerciseAndTheFunction) {
  EXPECT_EQ(xg_test::error_message([] { throw course::NotImplemented("01-optimizer-step", "step()"); }),
            "exercise 01-optimizer-step: step() is not written yet (see exercises/01-optimizer-step/README.md)");
}

}  // namespace
