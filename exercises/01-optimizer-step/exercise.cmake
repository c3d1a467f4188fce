# Exercise 01: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES step.cpp)
set(EXERCISE_LINKS xgrad::core)
