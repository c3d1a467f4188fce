# Exercise 04: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
# It builds on exercise 03: AdamW is a decay, then your Adam step.
set(EXERCISE_STUDENT_FILES adamw_optimizer.cpp)
set(EXERCISE_LINKS xgrad::xgrad xgrad::example_support)
set(EXERCISE_USES 03)
set(EXERCISE_PROGRAM weight_decay_analysis.cpp)
