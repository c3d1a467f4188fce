// The experiment of docs/tour/07-dataloader.md. The lines between the two "tour" markers are shown on
// that page; tests/CMakeLists.txt builds this program and checks that the page shows them and their
// output.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  // tour: begin
  // Ten examples; example i has input [i] and label i, so the labels show the order.
  xg::data::Labels labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  xg::data::TensorDataset dataset(xt::xarray<float>(xt::reshape_view(xt::arange<float>(10), {10, 1})), labels);
  auto show = [](xg::data::DataLoader& loader, const char* name) {
    for (int epoch = 0; epoch < 2; ++epoch) {
      std::printf("%s epoch %d:", name, epoch);
      for (xg::data::Batch& batch : loader) {
        std::printf(" [");
        for (std::int64_t label : batch.labels) std::printf(" %lld", static_cast<long long>(label));
        std::printf(" ]");
      }
      std::printf("\n");
    }
  };
  xg::data::DataLoader first(dataset, xg::data::DataLoaderOptions(4).shuffle(true).seed(2026));
  xg::data::DataLoader again(dataset, xg::data::DataLoaderOptions(4).shuffle(true).seed(2026));
  xg::data::DataLoader dropping(dataset, xg::data::DataLoaderOptions(4).drop_last(true));
  show(first, "seed 2026");
  show(again, "seed 2026");
  show(dropping, "in order, drop_last");
  // tour: end
  return 0;
}
