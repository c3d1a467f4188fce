# Exercise 16: what the student writes and what it links (see exercises/cmake/XgradExercise.cmake).
# The capstone runs on your pieces: AdamW (04, with your Adam from 03), the cosine schedule (05), the
# loss (11), Linear (12), Module (13), the loader (14) and BatchNorm (15); the program draws its curves
# with examples/support.
set(EXERCISE_STUDENT_FILES capstone.cpp)
set(EXERCISE_LINKS xgrad::xgrad xgrad::example_support)
set(EXERCISE_USES 04 05 11 12 13 14 15)
set(EXERCISE_PROGRAM fashion_mnist_capstone.cpp)
