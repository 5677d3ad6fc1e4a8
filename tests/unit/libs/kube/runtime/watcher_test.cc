#include "libs/kube/runtime/watcher.h"

#include <thread>

#include <gtest/gtest.h>

#include "libs/kube/runtime/store.h"
#include "tests/unit/libs/kube/runtime/scripted_list_watch.h"

namespace kc::kube::runtime {
namespace {

using testing::bookmark;
using testing::event;
using testing::obj;
using testing::ScriptedListWatch;
using Type = WatchEvent::Type;

// A store whose listener records what a controller would be told.
struct Observed {
  Store store;
  std::vector<std::string> changes;
  Observed() {
    store.subscribe([this](const ObjectPtr& before, const ObjectPtr& after) {
      if (!before)
        changes.push_back("add " + name_of(*after) + "@" + resource_version_of(*after));
      else if (!after)
        changes.push_back("delete " + name_of(*before));
      else
        changes.push_back("update " + name_of(*after) + "@" + resource_version_of(*after));
    });
  }
};

ObjectList list_of(std::vector<Object> items, std::string rv) {
  return ObjectList{std::move(items), std::move(rv), ""};
}

TEST(WatcherTest, ListsThenWatchesFromTheListVersionAndFollowsBookmarks) {
  ScriptedListWatch source;
  Object with_owners = obj("a", "1");
  with_owners["metadata"]["managedFields"] = Object::array({{{"manager", "kubectl"}}});
  source.lists.push_back(list_of({with_owners, obj("b", "2")}, "10"));
  source.watches.push_back(
      {{event(Type::kModified, "a", "11"), event(Type::kAdded, "c", "12"), bookmark("15")},
       WatchEnd::kClosed});
  source.watches.push_back({{event(Type::kDeleted, "b", "16")}, WatchEnd::kClosed});
  Observed seen;
  Watcher watcher(source, [&](WatcherEvent&& e) { seen.store.handle(std::move(e)); }, {});

  EXPECT_EQ(watcher.state(), Watcher::State::kEmpty);
  ASSERT_TRUE(watcher.step({}));
  EXPECT_EQ(watcher.state(), Watcher::State::kWatching);
  EXPECT_TRUE(seen.store.ready());
  ASSERT_TRUE(watcher.step({}));
  EXPECT_EQ(watcher.resource_version(), "15");  // the bookmark moved it past the last event
  ASSERT_TRUE(watcher.step({}));                // the stream closed: watch again from 15
  EXPECT_EQ(source.watched_from, (std::vector<std::string>{"10", "15"}));
  EXPECT_EQ(seen.changes, (std::vector<std::string>{"add a@1", "add b@2", "update a@11", "add c@12",
                                                    "delete b"}));
  EXPECT_EQ(seen.store.size(), 2u);
  EXPECT_FALSE(seen.store.get({"ns", "a"})->at("metadata").contains("managedFields"))
      << "the default transform keeps managedFields out of the cache";
}

TEST(WatcherTest, RelistsOn410AndTellsOnlyWhatChangedMeanwhile) {
  ScriptedListWatch source;
  source.lists.push_back(list_of({obj("a", "1"), obj("b", "2"), obj("c", "3")}, "3"));
  source.watches.push_back({{event(Type::kModified, "a", "4")}, WatchEnd::kExpired});
  // While the watch was gone: b was deleted, c changed, d appeared; a is as last seen.
  source.lists.push_back(list_of({obj("a", "4"), obj("c", "7"), obj("d", "8")}, "9"));
  source.watches.push_back({{event(Type::kModified, "d", "10")}, WatchEnd::kClosed});
  Observed seen;
  Watcher watcher(source, [&](WatcherEvent&& e) { seen.store.handle(std::move(e)); }, {});

  ASSERT_TRUE(watcher.step({}));  // list
  ASSERT_TRUE(watcher.step({}));  // watch ends with 410
  EXPECT_EQ(watcher.state(), Watcher::State::kEmpty);
  ASSERT_TRUE(watcher.step({}));  // relist
  EXPECT_EQ(watcher.relists(), 2u);
  ASSERT_TRUE(watcher.step({}));  // watch from the new list's version
  EXPECT_EQ(source.watched_from, (std::vector<std::string>{"3", "9"}));
  EXPECT_EQ(seen.changes,
            (std::vector<std::string>{"add a@1", "add b@2", "add c@3", "update a@4", "delete b",
                                      "update c@7", "add d@8", "update d@10"}));
}

TEST(WatcherTest, ResumesFromTheLastDeliveredVersionAfterADisconnect) {
  ScriptedListWatch source;
  source.lists.push_back(list_of({}, "5"));
  source.watches.push_back({{event(Type::kAdded, "a", "6"), event(Type::kAdded, "b", "7")},
                            make_error(Errc::kUnavailable, "connection reset")});
  source.watches.push_back({{event(Type::kAdded, "c", "8")}, WatchEnd::kClosed});
  Observed seen;
  Watcher watcher(source, [&](WatcherEvent&& e) { seen.store.handle(std::move(e)); }, {});
  ASSERT_TRUE(watcher.step({}));
  auto failed = watcher.step({});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), Errc::kUnavailable);
  EXPECT_EQ(watcher.state(), Watcher::State::kWatching);  // no relist for a transport error
  ASSERT_TRUE(watcher.step({}));
  EXPECT_EQ(source.watched_from, (std::vector<std::string>{"5", "7"}));
  EXPECT_EQ(seen.changes, (std::vector<std::string>{"add a@6", "add b@7", "add c@8"}));
}

TEST(WatcherTest, AFailedListIsRetriedWithBackoffUntilItSucceeds) {
  ScriptedListWatch source;
  source.lists.push_back(make_error(Errc::kUnavailable, "503"));
  source.lists.push_back(make_error(Errc::kUnavailable, "503"));
  source.lists.push_back(list_of({obj("a", "1")}, "1"));
  Observed seen;
  Watcher::Options options;
  options.backoff = {.initial = std::chrono::milliseconds(1), .max = std::chrono::milliseconds(2)};
  Watcher watcher(
      source, [&](WatcherEvent&& e) { seen.store.handle(std::move(e)); }, options);
  std::jthread thread([&](const std::stop_token& stop) { watcher.run(stop); });
  EXPECT_TRUE(seen.store.wait_until_ready(std::chrono::seconds(10)));
  thread.request_stop();
  thread.join();
  EXPECT_EQ(seen.changes.front(), "add a@1");
  EXPECT_TRUE(source.lists.empty());
}

TEST(StoreTest, IgnoresRepeatsAndUnknownDeletesAndKeepsSnapshots) {
  Observed seen;
  EXPECT_FALSE(seen.store.ready());
  EXPECT_FALSE(seen.store.wait_until_ready(std::chrono::milliseconds(1)));
  seen.store.handle({.kind = WatcherEvent::Kind::kRestarted,
                     .objects = {std::make_shared<const Object>(obj("a", "1"))}});
  auto snapshot = seen.store.get({"ns", "a"});
  seen.store.handle({.kind = WatcherEvent::Kind::kApplied,
                     .object = std::make_shared<const Object>(obj("a", "1"))});
  seen.store.handle({.kind = WatcherEvent::Kind::kDeleted,
                     .object = std::make_shared<const Object>(obj("zz", "9"))});
  seen.store.handle({.kind = WatcherEvent::Kind::kApplied,
                     .object = std::make_shared<const Object>(obj("a", "2"))});
  EXPECT_EQ(seen.changes, (std::vector<std::string>{"add a@1", "update a@2"}));
  EXPECT_EQ(resource_version_of(*snapshot), "1");  // an old snapshot is unaffected
  EXPECT_EQ(resource_version_of(*seen.store.get({"ns", "a"})), "2");
  EXPECT_EQ(seen.store.get({"ns", "missing"}), nullptr);
  EXPECT_EQ(seen.store.list([](const Object& o) { return name_of(o) == "a"; }).size(), 1u);
  EXPECT_TRUE(seen.store.wait_until_ready(std::chrono::milliseconds(1)));
}

}  // namespace
}  // namespace kc::kube::runtime
