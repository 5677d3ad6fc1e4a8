// connectors.json as the operator writes it (docs/operator-runtime-contract.md), parsed.

#include "runtime/managed/desired_state.h"

#include <gtest/gtest.h>

namespace kc::managed {
namespace {

TEST(DesiredStateTest, ParsesTheContractExample) {
  auto d = parse_connectors_json(R"({
    "workers": 3,
    "connectors": {
      "orders-sink": {
        "config": {"connector.class": "file", "topics": "orders", "file": "/data/o.jsonl",
                   "tasks.max": "4", "errors.retry.timeout": 5000, "flag": true},
        "state": "paused",
        "restartToken": "2026-11-21T10:00:00Z",
        "forceCommitToken": "",
        "generation": 7
      }
    },
    "logging": {"level": "INFO", "format": "json", "loggers": {"kc.pipeline": "DEBUG"}}
  })");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->workers, 3);
  ASSERT_EQ(d->connectors.size(), 1u);
  const auto& c = d->connectors.at("orders-sink");
  EXPECT_EQ(c.config.at("tasks.max"), "4");
  EXPECT_EQ(c.config.at("errors.retry.timeout"), "5000");
  EXPECT_EQ(c.config.at("flag"), "true");
  EXPECT_EQ(c.state, pipeline::TargetState::kPaused);
  EXPECT_EQ(c.restart_token, "2026-11-21T10:00:00Z");
  EXPECT_EQ(c.force_commit_token, "");
  EXPECT_EQ(d->logging.level, "INFO");
  EXPECT_EQ(d->logging.format, "json");
  EXPECT_EQ(d->logging.loggers.at("kc.pipeline"), "DEBUG");
}

TEST(DesiredStateTest, RefusesWhatTheContractDoesNotAllowNamingTheField) {
  auto bad_state = parse_connectors_json(
      R"({"connectors": {"a": {"config": {"topics": "t"}, "state": "sleeping"}}})");
  ASSERT_FALSE(bad_state);
  EXPECT_NE(bad_state.error().message().find("connectors.a.state"), std::string::npos);
  EXPECT_NE(bad_state.error().message().find("running, paused, stopped"), std::string::npos);
  auto bad_config = parse_connectors_json(R"({"connectors": {"a": {"config": {"x": [1]}}}})");
  ASSERT_FALSE(bad_config);
  EXPECT_NE(bad_config.error().message().find("connectors.a.config.x"), std::string::npos);
  EXPECT_FALSE(parse_connectors_json(R"({"workers": 0})"));
  EXPECT_FALSE(parse_connectors_json("not json"));
  auto empty = parse_connectors_json("{}");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->connectors.empty());
  EXPECT_EQ(empty->workers, 1);
}

TEST(DesiredStateTest, EachWorkerRunsItsShareOfTheTasks) {
  EXPECT_EQ(task_share(4, 3), 2);
  EXPECT_EQ(task_share(4, 4), 1);
  EXPECT_EQ(task_share(1, 3), 1);
  EXPECT_EQ(task_share(7, 1), 7);
  auto share = worker_share("a", {{"tasks.max", "5"}, {"topics", "t"}}, 2);
  EXPECT_EQ(share.at("tasks.max"), "3");
  EXPECT_EQ(share.at("name"), "a");
  // Not a positive integer: left for the validator to refuse with its own message.
  EXPECT_EQ(worker_share("a", {{"tasks.max", "-1"}}, 2).at("tasks.max"), "-1");
  EXPECT_EQ(worker_share("a", {{"tasks.max", "x"}}, 2).at("tasks.max"), "x");
}

}  // namespace
}  // namespace kc::managed
