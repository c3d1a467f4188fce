# Exercise 06: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES clipping.cpp)
set(EXERCISE_LINKS xgrad::xgrad)
