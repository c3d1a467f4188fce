#pragma once
// The two kinds of error the example reports without a stack trace (main.cpp catches them).

#include <stdexcept>

namespace mlp {

// A problem the user can fix (missing data, an unwritable folder): "mlp: MESSAGE", exit 1.
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A flag that does not fit (the checkpoint given to --resume, the mpirun job): exit 2, as for any bad flag.
struct FlagError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace mlp
