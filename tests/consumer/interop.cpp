// Built by scripts/check_install.sh against an installed xgrad: a program that links xgrad::interop
// (beside the umbrella) saves and loads safetensors and exports ONNX, without ONNX's or protobuf's
// headers of its own. Exits non-zero when a round trip differs.
#include <xgrad/interop/onnx_export.hpp>
#include <xgrad/interop/safetensors.hpp>
#include <xgrad/xgrad.hpp>

#include <cstdio>
#include <iostream>

int main() {
  xg::nn::Linear saved(3, 2), loaded(3, 2);
  xg::interop::save_model(saved, "consumer.safetensors");
  xg::interop::load_model(loaded, "consumer.safetensors");
  xg::interop::export_onnx(saved, "consumer.onnx");
  std::remove("consumer.safetensors");
  std::remove("consumer.onnx");
  if (loaded->weight.data() != saved->weight.data()) {
    std::cerr << "consumer_interop: the safetensors round trip changed the weights\n";
    return 1;
  }
  std::cout << "consumer_interop: xgrad::interop links; safetensors round trip exact, ONNX exported\n";
  return 0;
}
