# Exercise 11: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES softmax_cross_entropy.cpp)
set(EXERCISE_LINKS xgrad::nn)
