// Writes tests/data/optimizers/*.xgrad.optim, one optimizer state file per optimizer (the runs of
// optimizer_files_recipe.hpp), made once with the code of the commit named in README.md (before the
// optimizers' options moved to XG_ARG) and committed, so that test_optimizer_files.cpp proves that state
// files written by earlier code still load. Built and run from the repository root (README.md).

#include "optimizer_files_recipe.hpp"

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  const std::string folder = argc > 1 ? argv[1] : "tests/data";
  for (const xg_files::Recipe& recipe : xg_files::recipes()) {
    xg_files::OptimizerRun run = recipe.make(/*defaults=*/false);
    xg_files::run_recipe(recipe, run);
    run.optimizer->save(folder + "/" + recipe.file);
    std::printf("%s: %s, %zu parameters with state\n", recipe.file.c_str(), run.optimizer->name().c_str(),
                run.optimizer->state_size());
  }
  return 0;
}
