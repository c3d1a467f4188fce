// Writes the seed corpus of the fuzzers, tests/fuzz/corpus/<reader>/: valid files made with the library
// (those that fit fixtures.hpp load), near misses, and the reproducers of issue 17 from their hex bytes.
// Run from the repository root after building the fuzzers (scripts/fuzz.sh builds this too):
//
//   build-fuzz/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus

#include "fixtures.hpp"

#include <xgrad/interop/safetensors.hpp>

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw xg::Error("make_seeds: cannot write " + path.string());
}

void write_gzip(const fs::path& path, const std::string& bytes) {
  gzFile out = gzopen(path.c_str(), "wb9");
  const bool written =
      out && gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size());
  if (!out || gzclose(out) != Z_OK || !written) throw xg::Error("make_seeds: cannot write " + path.string());
}

std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

// An IDX header: magic 0x000008DD, then the sizes, all big-endian.
std::string idx_header(const std::vector<std::uint32_t>& sizes) {
  std::string bytes = {0, 0, 8, static_cast<char>(sizes.size())};
  for (std::uint32_t size : sizes) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>(size >> shift));
  }
  return bytes;
}

std::string idx_bytes(std::size_t count, std::uint8_t modulo) {
  std::string bytes;
  for (std::size_t i = 0; i < count; ++i) bytes.push_back(static_cast<char>((i * 37 + 11) % modulo));
  return bytes;
}

void write_idx(const fs::path& folder) {
  const fs::path images = folder / "idx_images", labels = folder / "idx_labels";
  const std::string valid_images = idx_header({2, 3, 4}) + idx_bytes(24, 255);
  write(images / "valid_2x3x4.idx", valid_images);
  write_gzip(images / "valid_2x3x4.idx.gz", valid_images);
  write(images / "valid_0x28x28.idx", idx_header({0, 28, 28}));
  write(images / "truncated_2x3x4.idx", idx_header({2, 3, 4}) + idx_bytes(10, 255));
  write(images / "labels_magic.idx", idx_header({4}) + idx_bytes(4, 10));
  // Issue 17: a 0 dimension beside two of 2^32 - 1 overflowed xtensor's stride computation.
  write(images / "issue17_zero_dim.idx", from_hex("0000080300000000ffffffffffffffff"));

  const std::string valid_labels = idx_header({12}) + idx_bytes(12, 10);
  write(labels / "valid_12.idx", valid_labels);
  write_gzip(labels / "valid_12.idx.gz", valid_labels);
  write(labels / "label_200.idx", idx_header({3}) + std::string{1, 2, static_cast<char>(200)});
  write(labels / "truncated_12.idx", idx_header({12}) + idx_bytes(5, 10));
  write(labels / "huge_count.idx", idx_header({0xffffffffu}) + idx_bytes(4, 10));
}

void write_csv(const fs::path& folder) {
  const fs::path csv = folder / "csv";
  write(csv / "header_label_last.csv", "x1,x2,label\n0.5,1,0\n-2e3, 3.25 ,2\n+7,1e-3,1\n");
  write(csv / "no_header_crlf.csv", "1,2,3,0\r\n4,5,6,1\r\n\r\n7,8,9,2\r\n");
  write(csv / "quoted_bom.csv", "\xEF\xBB\xBF\"a\",\"b\",\"class\"\n\"0.25\",\"-1\",\"3\"\n");
  write(csv / "bad_number.csv", "x,label\n1.5,0\nabc,1\n");
  write(csv / "ragged.csv", "1,2,0\n3,1\n");
  write(csv / "not_finite.csv", "x,label\nnan,0\n1e39,1\n");
}

void write_model(const fs::path& folder) {
  const fs::path model = folder / "model_load";
  const auto bytes_of = [](const xg::nn::Module& module) {
    std::ostringstream out;
    xg::save(module, out);
    return out.str();
  };
  write(model / "valid_shift2.xgp", bytes_of(*xg_fuzz::fixed_model(2.0f)));
  write(model / "valid_same.xgp", bytes_of(*xg_fuzz::fixed_model()));
  write(model / "other_architecture.xgp", bytes_of(*xg::nn::Linear(3, 2)));
  write(model / "no_parameters.xgp", bytes_of(*xg::nn::Sequential()));
  // Issue 17: one record with an empty name and shape [0, 2^32, 2^32], read before its CRC.
  write(model / "issue17_zero_dim.xgp",
        from_hex("584752414450524d0100000001000000000000000000000003000000000000000000000000000000010000000000000001"
                 "000000"));
  // Issue 17: a dimension of 2^63 or more, negative as a long.
  write(model / "issue17_negative_dim.xgp",
        from_hex("584752414450524d01000000020000000000000008000000302e776569dcd7de0400000000000000000000002906004000"
                 "0000002900220001000000ee51cdbe5c459a88"));
}

void write_optimizer(const fs::path& folder) {
  const fs::path optimizer = folder / "optimizer_load";
  const auto bytes_of = [](const xg::optim::Optimizer& adam) {
    std::ostringstream out;
    adam.save(out);
    return out.str();
  };
  write(optimizer / "valid_3_steps.optim", bytes_of(*xg_fuzz::fixed_optimizer(3).adam));
  write(optimizer / "valid_no_state.optim", bytes_of(*xg_fuzz::fixed_optimizer(0).adam));
  const xg_fuzz::FixedOptimizer fixed = xg_fuzz::fixed_optimizer(0);
  write(optimizer / "sgd.optim", bytes_of(xg::optim::SGD(fixed.params, xg::optim::SGDOptions(0.1))));
  write(optimizer / "one_group.optim", bytes_of(xg::optim::Adam(fixed.params)));
  // The shape of issue 17 in a parameter's shape, with a right CRC, so that the decoder reaches it.
  xg::optim::OptimizerStateDict zero_dim = xg_fuzz::fixed_optimizer(1).adam->state_dict();
  zero_dim.param_groups[0].param_shapes[0] = xg::Shape{0, std::size_t{1} << 32, std::size_t{1} << 32};
  write(optimizer / "issue17_zero_dim.optim", xg::optim::encode_state_dict(zero_dim));
}

void write_scheduler(const fs::path& folder) {
  const fs::path scheduler = folder / "scheduler_load";
  write(scheduler / "valid_sequential_5.sched",
        xg::optim::encode_scheduler_state(xg_fuzz::fixed_schedulers(5).sequential->state_dict()));
  write(scheduler / "valid_sequential_0.sched",
        xg::optim::encode_scheduler_state(xg_fuzz::fixed_schedulers(0).sequential->state_dict()));
  write(scheduler / "valid_plateau_6.sched",
        xg::optim::encode_scheduler_state(xg_fuzz::fixed_schedulers(6).plateau->state_dict()));
  // Near misses: another scheduler, a sub-scheduler with a scalar it does not keep, nesting too deep.
  const xg_fuzz::FixedOptimizer fixed = xg_fuzz::fixed_optimizer(0);
  write(scheduler / "step_lr.sched", xg::optim::encode_scheduler_state(xg::optim::StepLR(*fixed.adam, 2).state_dict()));
  xg::optim::LRSchedulerState scalar = xg_fuzz::fixed_schedulers(2).sequential->state_dict();
  scalar.children[0].scalars.emplace_back("T_cur", 1.0);
  write(scheduler / "extra_scalar.sched", xg::optim::encode_scheduler_state(scalar));
  xg::optim::LRSchedulerState deep{"SequentialLR", 0, {}, {}, {}, {}};
  for (int depth = 0; depth < 9; ++depth) {
    xg::optim::LRSchedulerState outer{"SequentialLR", 0, {}, {}, {}, {}};
    outer.children.push_back(deep);
    deep = outer;
  }
  write(scheduler / "too_deep.sched", xg::optim::encode_scheduler_state(deep));
}

void write_checkpoint(const fs::path& folder) {
  const fs::path checkpoint = folder / "checkpoint_load";
  write(checkpoint / "valid_2_steps.ckpt", xg_fuzz::fixed_checkpoint(2).checkpoint->encode());
  write(checkpoint / "valid_0_steps.ckpt", xg_fuzz::fixed_checkpoint(0).checkpoint->encode());
  // Near misses: without the scheduler, without a generator, the model of another architecture.
  xg_fuzz::FixedCheckpoint fixed = xg_fuzz::fixed_checkpoint(1);
  xg::Checkpoint no_scheduler(fixed.model, *fixed.adam);
  no_scheduler.generator("dropout", *fixed.dropout).generator("shuffle", *fixed.shuffle);
  write(checkpoint / "no_scheduler.ckpt", no_scheduler.encode());
  xg::Checkpoint one_generator(fixed.model, *fixed.adam);
  one_generator.scheduler(*fixed.scheduler).generator("dropout", *fixed.dropout);
  write(checkpoint / "one_generator.ckpt", one_generator.encode());
  xg::nn::Linear other(3, 2);
  xg::optim::Adam other_adam(other->parameters());
  write(checkpoint / "other_architecture.ckpt", xg::Checkpoint(other, other_adam).encode());
  const std::string valid = xg_fuzz::fixed_checkpoint(2).checkpoint->encode();
  write(checkpoint / "truncated.ckpt", valid.substr(0, valid.size() / 2));
}

// safetensors: valid files of fixed_model() (written by the library), one of another architecture, a
// BatchNorm model with an I64 count and metadata, and near misses (truncated, a name twice).
void write_safetensors(const fs::path& folder) {
  const fs::path safetensors = folder / "safetensors_load";
  const auto bytes_of = [](const xg::nn::Module& module, const xg::interop::Metadata& metadata) {
    const fs::path temporary = fs::temp_directory_path() / "xgrad_make_seeds.safetensors";
    xg::interop::save_model(module, temporary.string(), metadata);
    std::ifstream in(temporary, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  write(safetensors / "valid_same.safetensors", bytes_of(*xg_fuzz::fixed_model(), {}));
  write(safetensors / "valid_shift2.safetensors", bytes_of(*xg_fuzz::fixed_model(2.0f), {{"note", "shift 2"}}));
  write(safetensors / "other_architecture.safetensors", bytes_of(*xg::nn::Linear(3, 2), {}));
  xg::nn::Sequential normed(xg::nn::Linear(3, 2), xg::nn::BatchNorm1d(2));
  write(safetensors / "batch_norm_count.safetensors", bytes_of(*normed, {{"mean", "0.5,1.5"}}));
  const std::string valid = bytes_of(*xg_fuzz::fixed_model(), {});
  write(safetensors / "truncated.safetensors", valid.substr(0, valid.size() - 3));
  const std::string header =
      R"({"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"0.bias":{"dtype":"F16","shape":[2],"data_offsets":[8,12]}})";
  write(safetensors / "duplicate_name.safetensors",
        std::string(1, static_cast<char>(header.size())) + std::string(7, '\0') + header + std::string(12, '\0'));
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path folder = argc > 1 ? argv[1] : "tests/fuzz/corpus";
  try {
    write_idx(folder);
    write_csv(folder);
    write_model(folder);
    write_optimizer(folder);
    write_scheduler(folder);
    write_checkpoint(folder);
    write_safetensors(folder);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  std::cout << "seed files written under " << folder << "\n";
  return 0;
}
