# Exercise 07: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES op_backward.cpp)
set(EXERCISE_LINKS xgrad::autograd)
