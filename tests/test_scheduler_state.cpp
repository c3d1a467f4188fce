// Scheduler state files (optim/lr_scheduler/scheduler_state.hpp): round trips that resume bit for bit, a state
// embedded in a bigger file, and every way a file can be refused: truncated at every length, any byte
// flipped, the other kind of scheduler, counts larger than the file, nesting too deep, a save that the
// system refuses. A refused load changes nothing.

#include "data_helpers.hpp"
#include "error_message.hpp"
#include "file_test_helpers.hpp"
#include "scheduler_test_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

namespace optim = xg::optim;
using xg_test::group_lrs;
using xg_test::kBaseLrs;
using xg_test::Lrs;
using xg_test::PlainSGD;
using xg_test::two_groups;

// LinearLR warmup for 3 epochs, then ExponentialLR: a scheduler with a sub-scheduler state each.
std::unique_ptr<optim::SequentialLR> warmup_then_decay(optim::Optimizer& opt) {
  std::vector<std::unique_ptr<optim::LRScheduler>> parts;
  parts.push_back(std::make_unique<optim::LinearLR>(opt, 0.25, 1.0, 3));
  parts.push_back(std::make_unique<optim::ExponentialLR>(opt, 0.9));
  return std::make_unique<optim::SequentialLR>(opt, std::move(parts), std::vector<std::int64_t>{3});
}

void run(optim::Optimizer& opt, optim::LRScheduler& sched, int epochs) {
  for (int t = 0; t < epochs; ++t) {
    opt.step();
    sched.step();
  }
}

std::unique_ptr<optim::ReduceLROnPlateau> plateau(optim::Optimizer& opt) {
  return std::make_unique<optim::ReduceLROnPlateau>(opt, optim::ReduceLROnPlateau::Mode::min, 0.5, /*patience=*/1);
}

const std::vector<double> kMetrics = {1.0, 0.9, 0.95, 0.97, 0.99, 0.8, 0.85, 0.86, 0.9, 0.9};

// The state file of a SequentialLR stopped after 5 epochs.
std::string sequential_file_bytes() {
  PlainSGD opt = two_groups();
  auto sched = warmup_then_decay(opt);
  run(opt, *sched, 5);
  return optim::encode_scheduler_state(sched->state_dict());
}

// Loads `bytes` from a file into a SequentialLR after 2 epochs; expects an xg::Error whose message
// contains `part` and that the scheduler, its sub-schedulers and the optimizer did not change.
void expect_load_refused(const std::string& bytes, const std::string& part) {
  xg_test::TempDir dir;
  const std::string path = dir.write("bad.sched", bytes);
  PlainSGD opt = two_groups();
  auto sched = warmup_then_decay(opt);
  run(opt, *sched, 2);
  const std::string state_before = optim::encode_scheduler_state(sched->state_dict());
  const Lrs lrs_before = group_lrs(opt);
  const std::string message = xg_test::error_message([&] { optim::load_scheduler_state(*sched, path); });
  EXPECT_TRUE(xg_test::contains(message, "load_scheduler_state('" + path + "'): "));
  EXPECT_TRUE(xg_test::contains(message, part));
  EXPECT_EQ(optim::encode_scheduler_state(sched->state_dict()), state_before);
  EXPECT_EQ(group_lrs(opt), lrs_before);
}

TEST(SchedulerStateFile, ASequentialLRResumedFromItsFileContinuesBitForBit) {
  xg_test::TempDir dir;
  const std::string path = dir.file("run.sched");
  PlainSGD opt = two_groups();
  auto sched = warmup_then_decay(opt);
  run(opt, *sched, 2);  // mid-warmup
  optim::save_scheduler_state(*sched, path);

  PlainSGD resumed_opt = two_groups({1.0, 2.0});
  auto resumed = warmup_then_decay(resumed_opt);
  resumed_opt.load_state_dict(opt.state_dict());
  optim::load_scheduler_state(*resumed, path);
  EXPECT_EQ(resumed->last_epoch(), 2);
  EXPECT_EQ(resumed->scheduler(0).last_epoch(), 2);
  EXPECT_EQ(resumed->base_lrs(), kBaseLrs);
  for (int t = 3; t <= 12; ++t) {
    run(opt, *sched, 1);
    run(resumed_opt, *resumed, 1);
    ASSERT_EQ(group_lrs(resumed_opt), group_lrs(opt)) << "epoch " << t;
    ASSERT_EQ(resumed->get_last_lr(), sched->get_last_lr()) << "epoch " << t;
  }
}

TEST(SchedulerStateFile, TheFileHoldsTheDocumentedLayout) {
  PlainSGD opt = two_groups();
  optim::StepLR sched(opt, 2, 0.5);
  run(opt, sched, 3);
  const std::string bytes = optim::encode_scheduler_state(sched.state_dict());
  xg::LittleEndianWriter payload;
  payload.string("StepLR");
  payload.i64(3);
  payload.u32(2);
  payload.f64(0.1);
  payload.f64(0.03);
  payload.u32(2);
  payload.f64(0.05);
  payload.f64(0.015);
  payload.u32(0);  // scalars
  payload.u32(0);  // sub-schedulers
  EXPECT_EQ(bytes, xg_test::state_file_around(std::string_view("XGSCHED\0", 8), payload));
}

TEST(SchedulerStateFile, AReduceLROnPlateauResumedFromItsFileContinuesBitForBit) {
  xg_test::TempDir dir;
  const std::string path = dir.file("plateau.sched");
  PlainSGD opt = two_groups();
  auto sched = plateau(opt);
  for (std::size_t t = 0; t < 5; ++t) sched->step(kMetrics[t]);
  optim::save_scheduler_state(*sched, path);
  PlainSGD resumed_opt = two_groups();
  auto resumed = plateau(resumed_opt);
  resumed_opt.load_state_dict(opt.state_dict());
  optim::load_scheduler_state(*resumed, path);
  EXPECT_EQ(resumed->last_epoch(), 5);
  EXPECT_EQ(resumed->best(), 0.9);
  for (std::size_t t = 5; t < kMetrics.size(); ++t) {
    sched->step(kMetrics[t]);
    resumed->step(kMetrics[t]);
    ASSERT_EQ(group_lrs(resumed_opt), group_lrs(opt)) << "step " << t;
    ASSERT_EQ(resumed->num_bad_epochs(), sched->num_bad_epochs()) << "step " << t;
  }
  EXPECT_EQ(group_lrs(opt), (Lrs{0.0125, 0.00375}));  // reduced three times, twice after the resumption
}

TEST(SchedulerStateFile, TheOtherKindOfSchedulerIsRefused) {
  PlainSGD opt = two_groups();
  auto reduce = plateau(opt);
  expect_load_refused(optim::encode_scheduler_state(reduce->state_dict()),
                      "read_scheduler_state: the scheduler state holds a ReduceLROnPlateau state at offset 20, "
                      "expected an LRScheduler's (StepLR, ...)");

  xg_test::TempDir dir;
  const std::string path = dir.write("sequential.sched", sequential_file_bytes());
  const std::string message = xg_test::error_message([&] { optim::load_scheduler_state(*reduce, path); });
  EXPECT_EQ(message, "load_scheduler_state('" + path +
                         "'): read_scheduler_state: the scheduler state holds a SequentialLR state at offset 20, "
                         "expected a ReduceLROnPlateau's");
}

TEST(SchedulerStateFile, AStateOfAnotherSchedulerIsRefusedByItsCheck) {
  PlainSGD opt = two_groups();
  optim::StepLR step(opt, 2);
  expect_load_refused(optim::encode_scheduler_state(step.state_dict()),
                      "SequentialLR::load_state_dict: the state was saved by a StepLR");
}

TEST(SchedulerStateFile, EveryTruncationIsRefusedAndChangesNothing) {
  xg_test::expect_every_truncation_refused(sequential_file_bytes(), "scheduler state", expect_load_refused);
}

TEST(SchedulerStateFile, EveryFlippedByteIsRefusedAndChangesNothing) {
  const std::string bytes = sequential_file_bytes();
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    SCOPED_TRACE(at);
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x5a);
    // The part of the file decides which check refuses it.
    const std::string part = at < 8                       ? "not an xgrad scheduler state"
                             : at < 12                    ? "unsupported scheduler state version"
                             : at < xg::kSealedHeaderSize ? "scheduler state"  // the payload size: too big or small
                                                          : "checksum mismatch (the scheduler state is corrupt)";
    expect_load_refused(flipped, part);
  }
}

TEST(SchedulerStateFile, TrailingBytesAreRefused) {
  expect_load_refused(sequential_file_bytes() + "x", "1 unexpected bytes after the scheduler state");
}

// A file with a right checksum around `payload`: what refuses it is the payload's own checks.
std::string sealed(const xg::LittleEndianWriter& payload) {
  return xg::seal({std::string_view("XGSCHED\0", 8), 1, "test", "scheduler state"}, payload.bytes());
}

TEST(SchedulerStateFile, ACountLargerThanTheFileIsRefusedBeforeAllocating) {
  xg::LittleEndianWriter payload;
  payload.string("SequentialLR");
  payload.i64(2);
  payload.u32(0xffffffffu);  // base lrs claimed
  payload.f64(0.1);
  expect_load_refused(sealed(payload),
                      "read_scheduler_state: the scheduler state is corrupted: 4294967295 base lrs at offset 44 "
                      "cannot fit in the 8 bytes left");
}

TEST(SchedulerStateFile, AShortFieldIsRefusedNamingItAndItsOffset) {
  xg::LittleEndianWriter payload;
  payload.string("SequentialLR");
  payload.i64(2);
  payload.u32(2);
  payload.f64(0.1);
  payload.raw(std::string(5, '\0'));
  expect_load_refused(sealed(payload),
                      "read_scheduler_state: the scheduler state is corrupted: 2 base lrs at offset 44 cannot fit in "
                      "the 13 bytes left");
  xg::LittleEndianWriter scalars;
  scalars.string("SequentialLR");
  scalars.i64(2);
  scalars.u32(0);
  scalars.u32(0);
  scalars.u32(1);
  scalars.string("T_cur");
  scalars.raw(std::string(5, '\0'));  // enough for the count check (12 bytes a scalar), not for the value
  expect_load_refused(sealed(scalars),
                      "read_scheduler_state: the scheduler state is truncated: scalar 'T_cur' needs 8 "
                      "bytes at offset 65, but the payload ends at 70");
}

TEST(SchedulerStateFile, UnreadBytesAfterTheStateAreRefused) {
  PlainSGD opt = two_groups();
  auto sched = warmup_then_decay(opt);
  xg::LittleEndianWriter payload;
  optim::write_scheduler_state(sched->state_dict(), payload);
  payload.u32(7);
  expect_load_refused(sealed(payload), "4 unread bytes at the end of the payload");
}

TEST(SchedulerStateFile, NestingDeeperThanEightIsRefused) {
  optim::LRSchedulerState state{"SequentialLR", 0, {}, {}, {}, {}};
  for (int depth = 0; depth < 9; ++depth) {
    optim::LRSchedulerState outer{"SequentialLR", 0, {}, {}, {}, {}};
    outer.children.push_back(state);
    state = outer;
  }
  expect_load_refused(optim::encode_scheduler_state(state), "sub-scheduler states nest deeper than 8");
}

TEST(SchedulerStateFile, WrongScalarsAreRefused) {
  PlainSGD opt = two_groups();
  auto sched = warmup_then_decay(opt);
  optim::LRSchedulerState state = sched->state_dict();
  state.children[1].scalars.emplace_back("T_cur", 1.0);
  expect_load_refused(optim::encode_scheduler_state(state),
                      "ExponentialLR::load_state_dict: the state holds the scalars [T_cur], expected []");
}

TEST(SchedulerStateFile, AMissingFileIsRefused) {
  PlainSGD opt = two_groups();
  optim::StepLR sched(opt, 2);
  const std::string message = xg_test::error_message([&] { optim::load_scheduler_state(sched, "/nonexistent/x"); });
  EXPECT_TRUE(xg_test::contains(message, "load_scheduler_state('/nonexistent/x'): cannot open '/nonexistent/x'"));
}

// ---- a state inside a bigger file ----

TEST(SchedulerStateEmbedded, ReadsBackFromTheMiddleOfAFile) {
  PlainSGD opt = two_groups();
  auto sched = warmup_then_decay(opt);
  run(opt, *sched, 4);
  auto reduce = plateau(opt);
  for (double metric : kMetrics) reduce->step(metric);
  xg::LittleEndianWriter out;
  out.u32(12345);  // what a checkpoint writes before
  optim::write_scheduler_state(sched->state_dict(), out);
  optim::write_scheduler_state(reduce->state_dict(), out);
  out.u32(678);  // and after

  xg::ByteReader in(out.bytes(), xg::ByteOrder::little_endian, "load: 'run.ckpt'");
  EXPECT_EQ(in.u32("before"), 12345u);
  const optim::LRSchedulerState state = optim::read_lr_scheduler_state(in);
  const optim::ReduceLROnPlateauState reduce_state = optim::read_reduce_lr_on_plateau_state(in);
  EXPECT_EQ(in.u32("after"), 678u);
  EXPECT_TRUE(in.at_end());
  EXPECT_EQ(optim::encode_scheduler_state(state), optim::encode_scheduler_state(sched->state_dict()));
  EXPECT_EQ(optim::encode_scheduler_state(reduce_state), optim::encode_scheduler_state(reduce->state_dict()));
  EXPECT_EQ(state.children.size(), 2u);
  EXPECT_EQ(reduce_state.best, 0.8);

  xg::ByteReader short_in(std::string_view(out.bytes()).substr(0, 40), xg::ByteOrder::little_endian,
                          "load: 'run.ckpt'");
  short_in.u32("before");
  EXPECT_EQ(xg_test::error_message([&] { optim::read_lr_scheduler_state(short_in); }),
            "load: 'run.ckpt' is corrupted: 2 base lrs at offset 28 cannot fit in the 8 bytes left");
}

// ---- saves the system refuses ----

// Saves `sched` to `path`, steps it with `advance`, then saves it again while a Refusal made from
// `cause` is alive: the refused save's message (the old file and its folder checked unchanged).
template <class Refusal, class Cause, class Scheduler, class Advance>
std::string refused_resave(Cause cause, const std::string& path, Scheduler& sched, Advance advance) {
  optim::save_scheduler_state(sched, path);
  const std::string old_bytes = xg_test::file_bytes(path);
  advance();
  return xg_test::refused_save<Refusal>(cause, path, old_bytes, [&] { optim::save_scheduler_state(sched, path); });
}

TEST(SchedulerStateSave, AFileSizeLimitFailsTheSaveAndKeepsTheOldFile) {
  xg_test::TempDir dir;
  const std::string path = dir.file("run.sched");
  PlainSGD opt = two_groups();
  auto sched = warmup_then_decay(opt);
  EXPECT_EQ(
      refused_resave<xg_test::FileSizeLimit>(64, path, *sched, [&] { run(opt, *sched, 3); }),
      "save_scheduler_state: cannot write '" + path + ".tmp': File too large ('" + path + "' was left as it was)");
}

TEST(SchedulerStateSave, AReadOnlyFolderFailsTheSaveAndKeepsTheOldFile) {
  if (!xg_test::ReadOnlyFolder::can_block_writes()) {
    GTEST_SKIP() << "running as root, whom a read-only folder does not stop; run the tests as another user";
  }
  xg_test::TempDir dir;
  const std::string path = dir.file("plateau.sched");
  PlainSGD opt = two_groups();
  auto sched = plateau(opt);
  EXPECT_EQ(refused_resave<xg_test::ReadOnlyFolder>(dir.path(), path, *sched, [&] { sched->step(1.0); }),
            "save_scheduler_state: cannot open '" + path + ".tmp' for writing: Permission denied");
}

}  // namespace
