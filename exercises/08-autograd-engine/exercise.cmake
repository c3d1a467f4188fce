# Exercise 08: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
set(EXERCISE_STUDENT_FILES engine.cpp)
set(EXERCISE_LINKS xgrad::autograd)
set(EXERCISE_PROGRAM draw_graph.cpp)
