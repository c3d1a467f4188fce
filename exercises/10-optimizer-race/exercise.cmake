# Exercise 10: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
# The racers are your optimizers: MomentumSGD from exercise 02, AdamWOptimizer from 04 and so
# AdamOptimizer from 03. The picture is drawn with examples/support.
set(EXERCISE_STUDENT_FILES race.cpp)
set(EXERCISE_LINKS xgrad::xgrad xgrad::example_support)
set(EXERCISE_USES 02 04)
set(EXERCISE_PROGRAM race_program.cpp)
