# Exercise 05: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES schedules.cpp)
set(EXERCISE_LINKS xgrad::xgrad xgrad::example_support)
set(EXERCISE_PROGRAM lr_curves.cpp)
