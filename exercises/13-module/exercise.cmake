# Exercise 13: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES course_module.cpp)
set(EXERCISE_LINKS xgrad::nn)
