# Exercise 14: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES batch_loader.cpp)
set(EXERCISE_LINKS xgrad::data)
