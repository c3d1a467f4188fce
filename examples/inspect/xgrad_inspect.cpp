// xgrad-inspect FILE...: lists the tensors of model files (xgrad's model format, checkpoints,
// safetensors, ONNX initializers): names, dtypes, shapes, bytes. A file that cannot be read prints the
// reader's message and the program exits with 2.
#include <xgrad/core/error.hpp>
#include <xgrad/interop/inspect.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: xgrad-inspect FILE...\n  lists the tensors of xgrad model files, checkpoints, "
                 "safetensors and ONNX models\n");
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    try {
      std::fputs(xg::interop::format_listing(argv[i], xg::interop::list_model_file(argv[i])).c_str(), stdout);
    } catch (const xg::Error& error) {
      std::fprintf(stderr, "xgrad-inspect: %s\n", error.what());
      status = 2;
    }
  }
  return status;
}
