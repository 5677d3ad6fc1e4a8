#include "runtime/sinks/http/http_sink.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "libs/base/backoff.h"
#include "libs/base/gzip.h"
#include "libs/base/log.h"
#include "libs/http/url.h"
#include "runtime/sinks/common/batch_label.h"
#include "runtime/sinks/common/http_target.h"
#include "runtime/sinks/common/probe.h"
#include "runtime/sinks/common/record_copy.h"
#include "runtime/sinks/http/body.h"

namespace kc::sink::http_sink {
namespace {

using std::chrono::milliseconds;

auto& logger() {
  static auto& log = kc::log::get("kc.sink.http");
  return log;
}

constexpr size_t kExcerpt = 300;
constexpr milliseconds kMaxBackoff{60'000};

std::string excerpt(std::string_view body) {
  if (body.size() <= kExcerpt) return std::string(body);
  return fmt::format("{}... ({} bytes)", body.substr(0, kExcerpt), body.size());
}

struct BatchKey {
  std::string topic;
  api::TopicPartition partition;  // original coordinates
  bool operator<(const BatchKey& other) const {
    return std::tie(topic, partition) < std::tie(other.topic, other.partition);
  }
};

// Documents waiting to be sent together.
struct Documents {
  std::string docs;                 // documents joined by the layout's separator
  std::vector<size_t> ends;         // where each document ends in docs
  std::vector<RecordCopy> origins;  // per document: for the dead-letter queue

  size_t size() const { return ends.size(); }
  // Document i; every document but the first starts with the separator before it.
  std::string_view doc(size_t i) const {
    size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(docs).substr(begin, ends[i] - begin);
  }
};

// What is being gathered for one topic (after transforms) and original partition.
struct Batch {
  int64_t first_offset = -1;  // -1: nothing since the batch was last sealed
  int64_t end_offset = 0;     // after the last record seen (sent, buffered or skipped)
  Documents documents;
};

// A batch closed at a cut: offsets [first, end) of its key, sent as one request.
struct Sealed {
  BatchKey key;
  int64_t first = 0;
  int64_t end = 0;
  Documents documents;
};

// What one request came to.
enum class Outcome { kDelivered, kRefused };
struct Delivery {
  Outcome outcome = Outcome::kDelivered;
  std::string refusal;  // kRefused: the target's answer
};

class HttpSink final : public api::Sink {
 public:
  HttpSink(Settings settings, http::Url url, std::unique_ptr<HttpTarget> target,
           std::unique_ptr<SinkProbe> probe, api::SinkContext context)
      : settings_(std::move(settings)),
        url_(std::move(url)),
        probe_(std::move(probe)),
        target_(std::move(target)),
        context_(std::move(context)) {
    for (const auto& [name, value] : settings_.headers) headers_.add(name, value);
  }

  // The target answers at all (any status but 401/403) with these credentials; a HEAD request,
  // which sends nothing to be stored. Not retried: the task fails before it consumes.
  Status check() override {
    auto where = target_->describe(http::Method::kHead, url_.target());
    auto r =
        target_->client().request(http::Method::kHead, url_.target(), {}, headers_, context_.stop);
    if (!r) {
      return make_error(r.error().code(), "{}: the target is not reachable ({}): {}", where,
                        settings_.url_key, r.error().message());
    }
    if (r->status == 401 || r->status == 403) {
      return make_error(Errc::kPermissionDenied, "{}: HTTP {} {}: the target refused the {}", where,
                        r->status, http::reason_phrase(r->status), credentials_keys());
    }
    logger().info("target reachable", {{"url", where}, {"status", r->status}});
    return ok();
  }

  api::BatchLimits batch_limits() const override { return {.linger = settings_.linger}; }

  Status put(std::span<api::SinkRecord> records) override {
    for (const auto& record : records) {
      BatchKey key{record.topic, {std::string(record.original_topic), record.original_partition}};
      auto it = batches_.find(key);
      if (it == batches_.end()) it = batches_.emplace(std::move(key), Batch{}).first;
      auto& batch = it->second;
      // Already buffered or sent: the runtime repeats a put that failed part way.
      if (record.original_offset < batch.end_offset) continue;
      if (batch.first_offset < 0) batch.first_offset = record.original_offset;
      batch.end_offset = record.original_offset + 1;
      if (!carries_document(settings_.format, record)) continue;
      doc_.clear();
      if (auto st = append_document(settings_, record, doc_); !st) {
        KC_RETURN_IF_ERROR(report(record, st.error().message()));
        continue;
      }
      // A document that would take the batch over max_bytes starts the next one.
      auto separator = layout_separator();
      auto& d = batch.documents;
      if (d.size() > 0 && d.docs.size() + separator.size() + doc_.size() > settings_.max_bytes) {
        seal(it->first, batch, record.original_offset);
        batch.first_offset = record.original_offset;
      }
      if (d.size() > 0) d.docs.append(separator);
      d.docs.append(doc_);
      d.ends.push_back(d.docs.size());
      d.origins.push_back(RecordCopy::of(record));
      if (d.size() >= settings_.max_records || d.docs.size() >= settings_.max_bytes) {
        seal(it->first, batch, batch.end_offset);
      }
    }
    return send_sealed();
  }

  Status flush(const api::Offsets& /*offsets*/) override {
    for (auto& [key, batch] : batches_) {
      if (batch.first_offset >= 0) seal(key, batch, batch.end_offset);
    }
    return send_sealed();
  }

  // A partition assigned again may start lower (another task's commit): forget what was seen.
  Status open(const std::vector<api::TopicPartition>& partitions) override {
    forget(partitions);
    return ok();
  }
  Status close(const std::vector<api::TopicPartition>& partitions) override {
    forget(partitions);
    return ok();
  }

 private:
  std::string_view layout_separator() {
    if (separator_.empty()) separator_ = std::string(layout(settings_.format, "").separator);
    return separator_;
  }

  std::string credentials_keys() const {
    return settings_.url_key == "http.url" ? "credentials (http.auth.*, http.headers.*)"
                                           : "credentials";
  }

  void forget(const std::vector<api::TopicPartition>& partitions) {
    auto listed = [&](const BatchKey& key) {
      return std::find(partitions.begin(), partitions.end(), key.partition) != partitions.end();
    };
    std::erase_if(batches_, [&](const auto& entry) { return listed(entry.first); });
    std::erase_if(sealed_, [&](const Sealed& batch) { return listed(batch.key); });
  }

  // Closes the batch at `end` (its documents, if any, wait in sealed_) and empties it.
  void seal(const BatchKey& key, Batch& batch, int64_t end) {
    size_t bytes = batch.documents.docs.size();
    size_t count = batch.documents.size();
    if (count > 0) sealed_.push_back({key, batch.first_offset, end, std::move(batch.documents)});
    batch.first_offset = -1;
    batch.documents = Documents{};
    // The next batch will likely be as large: no regrowing from empty.
    batch.documents.docs.reserve(bytes);
    batch.documents.ends.reserve(count);
    batch.documents.origins.reserve(count);
  }

  // Sends every sealed batch: one request each, the batches of one partition in order, those of
  // different partitions on up to max_in_flight threads. Then, on this thread, what the target
  // refused goes to the errors.* policy record by record. Batches not delivered stay sealed for
  // the runtime's next call.
  Status send_sealed() {
    if (sealed_.empty()) return ok();
    std::map<BatchKey, std::vector<size_t>> by_key;
    for (size_t i = 0; i < sealed_.size(); ++i) by_key[sealed_[i].key].push_back(i);
    std::vector<const std::vector<size_t>*> jobs;
    jobs.reserve(by_key.size());
    for (const auto& entry : by_key) jobs.push_back(&entry.second);
    std::vector<std::optional<Result<Delivery>>> results(sealed_.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      while (true) {
        size_t j = next++;
        if (j >= jobs.size()) return;
        for (size_t i : *jobs[j]) {
          results[i] = deliver(sealed_[i]);
          if (!*results[i]) break;  // the partition's later batches wait
        }
      }
    };
    size_t threads = std::min(jobs.size(), settings_.max_in_flight);
    {
      std::vector<std::jthread> helpers;
      helpers.reserve(threads > 0 ? threads - 1 : 0);
      for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
      work();
    }
    Status status = ok();
    std::vector<Sealed> kept;
    for (size_t i = 0; i < sealed_.size(); ++i) {
      auto& r = results[i];
      if (r && *r && (*r)->outcome == Outcome::kRefused && status) {
        auto split = send_one_by_one(sealed_[i], (*r)->refusal);
        if (split) continue;
        status = split;
      } else if (r && *r && (*r)->outcome == Outcome::kDelivered) {
        continue;
      } else if (r && !*r && status) {
        status = tl::unexpected(r->error());
      }
      kept.push_back(std::move(sealed_[i]));
    }
    sealed_ = std::move(kept);
    return status;
  }

  // The target refused a batch: each document alone, so only what it refuses is set aside.
  Status send_one_by_one(const Sealed& batch, const std::string& refusal) {
    const auto& d = batch.documents;
    if (d.size() == 1) return report(d.origins[0].record(), refusal);
    auto l = layout(settings_.format, batch.key.topic);
    for (size_t i = 0; i < d.size(); ++i) {
      auto doc = d.doc(i);
      if (i > 0) doc.remove_prefix(l.separator.size());
      int64_t offset = d.origins[i].offset;
      Sealed one{batch.key, offset, offset + 1, {}};
      one.documents.docs = std::string(doc);
      one.documents.ends.push_back(doc.size());
      KC_ASSIGN_OR_RETURN(auto delivery, deliver(one));
      if (delivery.outcome == Outcome::kRefused) {
        KC_RETURN_IF_ERROR(report(d.origins[i].record(), delivery.refusal));
      }
    }
    return ok();
  }

  // Sends one batch until the target takes or refuses it. Thread-safe (send_sealed's threads).
  Result<Delivery> deliver(const Sealed& batch) const {
    const auto& key = batch.key;
    const size_t documents = batch.documents.size();
    auto l = layout(settings_.format, key.topic);
    std::string body;
    body.reserve(l.prefix.size() + batch.documents.docs.size() + l.suffix.size());
    body.append(l.prefix).append(batch.documents.docs).append(l.suffix);
    http::Headers headers = headers_;
    if (!headers.contains("Content-Type")) {
      headers.set("Content-Type", std::string(layout(settings_.format, "").content_type));
    }
    if (!settings_.idempotency_header.empty()) {
      headers.set(settings_.idempotency_header,
                  make_batch_label({.connector = context_.connector_name,
                                    .table = key.topic,
                                    .topic = key.partition.topic,
                                    .partition = key.partition.partition,
                                    .first_offset = batch.first,
                                    .end_offset = batch.end}));
    }
    std::string gzipped;
    std::string_view payload = body;
    if (settings_.gzip) {
      gzipped = gzip::compress(body);
      payload = gzipped;
      headers.set("Content-Encoding", "gzip");
    }
    Backoff backoff({.initial = settings_.retry_backoff, .max = kMaxBackoff, .jitter = 0.2});
    for (int attempt = 1;; ++attempt) {
      auto r = target_->request(settings_.method, url_.target(), payload, headers);
      if (r) {
        auto where = target_->describe(settings_.method, url_.target());
        int status = r->status;
        if (status >= 200 && status < 300) {
          if (probe_) probe_->written(documents, payload.size());
          return Delivery{Outcome::kDelivered, {}};
        }
        auto answer = fmt::format("{}: HTTP {} {}: {}", where, status, http::reason_phrase(status),
                                  excerpt(r->body));
        if (status == 404 || status == 405 || status == 407 || status == 411 ||
            (status >= 300 && status < 400) || status < 200) {
          return make_error(Errc::kProtocol, "{} (check {})", answer, settings_.url_key);
        }
        return Delivery{Outcome::kRefused, "the target refused the record: " + answer};
      }
      const auto& e = r.error();
      if (e.code() == Errc::kPermissionDenied) {
        return make_error(e.code(), "{} (check the {})", e.message(), credentials_keys());
      }
      if (!e.retriable()) return tl::unexpected(e);
      if (settings_.retry_max >= 0 && attempt > settings_.retry_max) {
        return make_error(e.code(), "{} (gave up after {} attempts, {}={})", e.message(), attempt,
                          settings_.url_key == "http.url" ? "http.retry.max" : "retries",
                          settings_.retry_max);
      }
      logger().warn("request failed, retrying",
                    {{"attempt", attempt}, {"error", e.message()}, {"records", documents}});
      if (!sleep(backoff.next())) return tl::unexpected(e);  // stopping
    }
  }

  // Waits `delay`; false when the task stops meanwhile.
  bool sleep(milliseconds delay) const {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait_for(lock, context_.stop, delay, [] { return false; });
    return !context_.stop.stop_requested();
  }

  Status report(const api::SinkRecord& record, const std::string& why) {
    auto error =
        Error(Errc::kData, fmt::format("topic={} partition={} offset={}: {}", record.original_topic,
                                       record.original_partition, record.original_offset, why));
    if (context_.report_errant) return context_.report_errant(record, error);
    return tl::unexpected(std::move(error));
  }

  Settings settings_;
  http::Url url_;
  std::unique_ptr<SinkProbe> probe_;  // before target_, which uses it
  std::unique_ptr<HttpTarget> target_;
  api::SinkContext context_;
  http::Headers headers_;  // every request's: http.headers.* and Authorization
  std::map<BatchKey, Batch> batches_;
  std::vector<Sealed> sealed_;  // closed batches not delivered yet, in the order they closed
  std::string separator_;
  std::string doc_;  // the record being encoded
};

}  // namespace

Result<std::unique_ptr<api::Sink>> make_sink(Settings settings, const api::SinkContext& context) {
  auto url = http::parse_url(settings.url);
  if (!url) {
    return make_error(Errc::kInvalidConfig, "{}: {}", settings.url_key, url.error().message());
  }
  auto probe = std::make_unique<SinkProbe>(context, settings.sink_name);
  KC_ASSIGN_OR_RETURN(auto target, HttpTarget::create({.base_url = url->origin(),
                                                       .max_response_bytes = size_t{1} << 20,
                                                       .user_agent = "kconnect"},
                                                      probe.get(), context.stop));
  return std::make_unique<HttpSink>(std::move(settings), std::move(*url), std::move(target),
                                    std::move(probe), context);
}

api::SinkPlugin http_sink_plugin() {
  return {.info = {.name = "http",
                   .class_name = "dev.kconnect.sink.HttpSinkConnector",
                   .aliases = {"HttpSinkConnector"},
                   .summary = "Sends records in batches to an HTTP endpoint (JSON array, NDJSON, "
                              "CSV or Rockset's Documents API shape), with an idempotency key "
                              "per batch and optional document ids.",
                   .config_def = config_def},
          .create = [](const api::Config& config,
                       const api::SinkContext& context) -> Result<std::unique_ptr<api::Sink>> {
            KC_ASSIGN_OR_RETURN(auto settings, parse_settings(config));
            return make_sink(std::move(settings), context);
          },
          .validate = validate,
          .key_prefixes = {"http.headers."}};
}

}  // namespace kc::sink::http_sink
