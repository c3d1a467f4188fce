# Exercise 09: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
# The loop trains with your AdamW from exercise 04 (and so your Adam from 03); the program draws its
# curves and progress bar with examples/support, as examples/mlp does.
set(EXERCISE_STUDENT_FILES training_loop.cpp)
set(EXERCISE_LINKS xgrad::xgrad xgrad::example_support)
set(EXERCISE_USES 04)
set(EXERCISE_PROGRAM fashion_mnist.cpp)
