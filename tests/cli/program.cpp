#include "program.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

namespace cli_test {

namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

RunResult run(const std::string& program, const std::vector<std::string>& args, const Environment& environment) {
  RunResult result;
  result.command = program;
  std::vector<char*> argv = {const_cast<char*>(program.c_str())};
  for (const std::string& arg : args) {
    result.command += " " + arg;
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  // stdout and stderr go to files (a pipe could fill up while we wait), read back afterwards.
  const std::string capture = (fs::temp_directory_path() / ("mlp_cli_" + std::to_string(getpid()))).string();
  const std::string out_path = capture + ".out", err_path = capture + ".err";
  const pid_t child = fork();
  if (child == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
    for (const auto& [name, value] : environment) setenv(name.c_str(), value.c_str(), 1);
    execv(program.c_str(), argv.data());
    _exit(127);  // as a shell says for a program it cannot start
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return result;
}

testing::AssertionResult matches(const std::string& text, const std::string& pattern) {
  if (std::regex_search(text, std::regex(pattern))) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "no match for /" << pattern << "/";
}

void expect_run(const RunResult& run, int exit_code, const std::vector<std::string>& patterns) {
  SCOPED_TRACE(run.command + "\n--- stdout ---\n" + run.out + "--- stderr ---\n" + run.err);
  EXPECT_EQ(run.exit_code, exit_code);
  for (const std::string& pattern : patterns) EXPECT_TRUE(matches(run.output(), pattern));
}

std::string final_accuracy(const RunResult& run) {
  std::smatch found;
  const std::string output = run.output();
  return std::regex_search(output, found, std::regex("final test accuracy: [0-9.]+")) ? found.str() : "";
}

testing::AssertionResult same_bytes(const std::string& a, const std::string& b) {
  if (!fs::exists(a) || !fs::exists(b)) return testing::AssertionFailure() << a << " or " << b << " is missing";
  if (read_file(a) == read_file(b)) return testing::AssertionSuccess();
  return testing::AssertionFailure() << a << " and " << b << " differ";
}

void write_file(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(XGRAD_CLI_WORK_DIR) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

}  // namespace cli_test
