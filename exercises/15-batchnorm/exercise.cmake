# Exercise 15: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES batch_norm_layer.cpp)
set(EXERCISE_LINKS xgrad::nn)
