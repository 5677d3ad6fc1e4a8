#include "runtime/demo/order_generator.h"

#include <chrono>

#include <fmt/format.h>

namespace kc::demo {
namespace {
constexpr std::string_view kCustomers[] = {"ada", "grace",    "linus",  "barbara",
                                           "ken", "margaret", "dennis", "frances"};
constexpr std::string_view kProducts[] = {"keyboard", "monitor", "cable",  "laptop",
                                          "dock",     "mouse",   "headset"};
}  // namespace

std::string order_json(int64_t i) {
  auto u = static_cast<uint64_t>(i);
  return fmt::format(
      R"({{"order_id":{},"customer":"{}","product":"{}","quantity":{},"amount":{}.{:02},"currency":"EUR"}})",
      i, kCustomers[u % std::size(kCustomers)], kProducts[(u / 3) % std::size(kProducts)],
      1 + u % 5, 10 + (u * 7919) % 990, (u * 31) % 100);
}

OrderGenerator::OrderGenerator(Private, std::unique_ptr<kafka::Producer> producer,
                               config::EmbeddedSettings settings)
    : producer_(std::move(producer)), settings_(std::move(settings)) {}

Result<std::unique_ptr<OrderGenerator>> OrderGenerator::start(
    const std::string& bootstrap_servers, const config::EmbeddedSettings& settings) {
  KC_ASSIGN_OR_RETURN(auto producer,
                      kafka::Producer::create({{"bootstrap.servers", bootstrap_servers},
                                               {"client.id", "kconnect-demo-generator"},
                                               {"linger.ms", "5"}}));
  auto gen = std::make_unique<OrderGenerator>(Private{}, std::move(producer), settings);
  gen->thread_ = std::thread([g = gen.get()] { g->run(); });
  return gen;
}

OrderGenerator::~OrderGenerator() { stop(); }

void OrderGenerator::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void OrderGenerator::run() {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  for (int64_t i = 0; i < settings_.records && !stop_.load(); ++i) {
    if (settings_.rate > 0) {
      auto due = start + std::chrono::microseconds(i * 1'000'000 / settings_.rate);
      while (Clock::now() < due && !stop_.load()) producer_->poll(std::chrono::milliseconds(1));
    }
    auto key = std::to_string(i);
    auto value = order_json(i);
    auto st = producer_->produce(settings_.topic, static_cast<int32_t>(i % settings_.partitions),
                                 key, value);
    if (!st) {
      error_ = st.error();
      failed_.store(true);
      break;
    }
    if (i % 1000 == 0) producer_->poll(std::chrono::milliseconds(0));
  }
  if (auto st = producer_->flush(std::chrono::seconds(30)); !st && !failed_.load()) {
    error_ = st.error();
    failed_.store(true);
  }
  done_.store(true);
}

}  // namespace kc::demo
