# Exercise 02: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES sgd_momentum.cpp)
set(EXERCISE_LINKS xgrad::autograd xgrad::optim)
