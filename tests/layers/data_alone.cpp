// Links xgrad::data (and so core) and nothing else: a data set and its loader.
#include <xgrad/data/dataloader.hpp>
#include <xgrad/data/synthetic.hpp>

#include <cstdio>

int main() {
  xg::data::TensorDataset moons = xg::data::moons(/*n=*/10);
  xg::data::DataLoader loader(moons, xg::data::DataLoaderOptions(/*batch_size=*/4));
  std::size_t seen = 0;
  for (xg::data::Batch& batch : loader) seen += batch.size();
  if (seen != moons.size()) {
    std::fprintf(stderr, "data alone: the loader gave %zu of %zu examples\n", seen, moons.size());
    return 1;
  }
  std::printf("data alone: the loader gave all %zu examples\n", seen);
  return 0;
}
