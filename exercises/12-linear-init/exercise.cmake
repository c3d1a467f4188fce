# Exercise 12: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES linear_layer.cpp)
set(EXERCISE_LINKS xgrad::nn)
