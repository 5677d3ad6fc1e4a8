#include "runtime/sinks/file/file_sink.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "runtime/api/json.h"

namespace kc::sink::file {
namespace {

constexpr size_t kWriteChunk = 1 << 20;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ > STDERR_FILENO) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

class FileSink final : public api::Sink {
 public:
  FileSink(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  Status put(std::span<api::SinkRecord> records) override {
    for (auto& record : records) {
      append_value(record.value);
      buffer_.push_back('\n');
    }
    if (buffer_.size() >= kWriteChunk) return write_buffer();
    return ok();
  }

  Status flush(const api::Offsets& /*offsets*/) override {
    KC_RETURN_IF_ERROR(write_buffer());
    if (::fsync(fd_.get()) != 0 && errno != EINVAL && errno != EROFS) {
      return make_error(Errc::kIo, "fsync {}: {}", path_, std::strerror(errno));
    }
    return ok();
  }

  void stop() override { (void)write_buffer(); }

 private:
  void append_value(const api::Value& value) {
    switch (value.type()) {
      case api::Type::kString:
      case api::Type::kBytes:
        buffer_.append(value.as_text());
        break;
      default:
        api::json::write(value, buffer_);
    }
  }

  Status write_buffer() {
    std::string_view rest = buffer_;
    while (!rest.empty()) {
      auto n = ::write(fd_.get(), rest.data(), rest.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        auto err = Error(Errc::kIo, fmt::format("writing {}: {}", path_, std::strerror(errno)),
                         errno == ENOSPC ? Retry::kYes : Retry::kNo);
        buffer_.erase(0, buffer_.size() - rest.size());
        return tl::unexpected(std::move(err));
      }
      rest.remove_prefix(static_cast<size_t>(n));
    }
    buffer_.clear();
    // Start writing the pages back now, without waiting, so the fsync in flush() waits for the
    // last chunk only instead of everything since the previous flush (which held the sink thread,
    // and through backpressure the consumer, for the whole write-back). Not a file: ignored.
    (void)::sync_file_range(fd_.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
    return ok();
  }

  std::string path_;
  FileDescriptor fd_;
  std::string buffer_;
};

const api::ConfigDef& config_def() {
  static const api::ConfigDef def = [] {
    api::ConfigDef d;
    d.define({.name = "file",
              .type = api::ConfigType::kString,
              .importance = api::Importance::kHigh,
              .documentation =
                  "Destination filename. If not specified, the standard output will be used."});
    return d;
  }();
  return def;
}

}  // namespace

api::SinkPlugin file_sink_plugin() {
  return {.info = {.name = "file",
                   .class_name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
                   .aliases = {"FileStreamSink", "FileStreamSinkConnector"},
                   .summary = "Appends each record value as a line to a file (fsynced on flush).",
                   .config_def = config_def},
          .create = [](const api::Config& config,
                       const api::SinkContext&) -> Result<std::unique_ptr<api::Sink>> {
            auto path = config.get_string("file");
            if (path.empty()) return std::make_unique<FileSink>("standard output", STDOUT_FILENO);
            // Unlike Kafka's FileStreamSink, a missing parent directory is created.
            std::error_code ec;
            auto parent = std::filesystem::path(path).parent_path();
            if (!parent.empty()) std::filesystem::create_directories(parent, ec);
            int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (fd < 0) {
              return make_error(Errc::kIo, "opening file {} for append: {}", path,
                                std::strerror(errno));
            }
            return std::make_unique<FileSink>(path, fd);
          }};
}

}  // namespace kc::sink::file
