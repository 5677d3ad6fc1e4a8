#include "runtime/pipeline/offset_tracker.h"

#include <gtest/gtest.h>

namespace kc::pipeline {
namespace {

const TopicPartition kP0{"t", 0};
const TopicPartition kP1{"t", 1};

TEST(OffsetTrackerTest, CommitsNextOffsetOfLastDeliveredRecord) {
  OffsetTracker t;
  EXPECT_TRUE(t.committable().empty());
  t.delivered(kP0, 10);
  t.delivered(kP0, 11);
  t.delivered(kP1, 3);
  auto c = t.committable();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0], (std::pair{kP0, int64_t{12}}));
  EXPECT_EQ(c[1], (std::pair{kP1, int64_t{4}}));
}

TEST(OffsetTrackerTest, OnlyMovedPartitionsAreCommittedAgain) {
  OffsetTracker t;
  t.delivered(kP0, 1);
  t.delivered(kP1, 1);
  t.mark_committed(t.committable());
  EXPECT_TRUE(t.committable().empty());
  t.delivered(kP1, 2);
  auto c = t.committable();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].first, kP1);
  EXPECT_EQ(t.committed(kP0), 2);
}

TEST(OffsetTrackerTest, ReplayedLowerOffsetsNeverMoveThePositionBack) {
  OffsetTracker t;
  t.delivered(kP0, 20);
  t.delivered(kP0, 5);
  EXPECT_EQ(t.position(kP0), 21);
}

TEST(OffsetTrackerTest, RemovedPartitionsAreForgotten) {
  OffsetTracker t;
  t.delivered(kP0, 1);
  t.delivered(kP1, 1);
  t.remove({kP0});
  auto c = t.committable();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].first, kP1);
  EXPECT_EQ(t.position(kP0), -1);
}

TEST(OffsetTrackerTest, LateCommitAcknowledgementDoesNotRegress) {
  OffsetTracker t;
  t.delivered(kP0, 9);
  auto first = t.committable();
  t.delivered(kP0, 19);
  t.mark_committed(t.committable());
  t.mark_committed(first);  // an older snapshot arriving last
  EXPECT_EQ(t.committed(kP0), 20);
}

TEST(OffsetTrackerTest, HeldRecordKeepsThePartitionBelowItUntilReleased) {
  OffsetTracker t;
  t.delivered(kP0, 4);
  t.hold(kP0, 5);  // waiting for its dead-letter queue write
  t.delivered(kP0, 5);
  t.delivered(kP0, 6);
  t.delivered(kP0, 7);
  t.delivered(kP1, 0);
  EXPECT_EQ(t.held(), 1u);
  auto c = t.committable();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0], (std::pair{kP0, int64_t{5}}));  // offset 5 is consumed again after a crash
  EXPECT_EQ(c[1], (std::pair{kP1, int64_t{1}}));
  t.mark_committed(c);
  EXPECT_TRUE(t.committable().empty());
  t.release(kP0, 5);
  EXPECT_EQ(t.held(), 0u);
  c = t.committable();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], (std::pair{kP0, int64_t{8}}));
}

TEST(OffsetTrackerTest, TheLowestHeldRecordBoundsThePosition) {
  OffsetTracker t;
  t.hold(kP0, 3);
  t.hold(kP0, 1);
  t.delivered(kP0, 9);
  EXPECT_EQ(t.committable().front().second, 1);
  t.release(kP0, 1);
  EXPECT_EQ(t.committable().front().second, 3);
  t.release(kP0, 3);
  EXPECT_EQ(t.committable().front().second, 10);
}

TEST(OffsetTrackerTest, AHeldRecordThatIsNeverReleasedIsNeverCommitted) {
  OffsetTracker t;
  t.delivered(kP0, 0);
  t.hold(kP0, 1);
  t.delivered(kP0, 1);
  t.mark_committed(t.committable());
  for (int64_t o = 2; o < 100; ++o) t.delivered(kP0, o);
  auto c = t.committable();
  EXPECT_TRUE(c.empty());  // still 1: nothing from the failed write onwards
  EXPECT_EQ(t.committed(kP0), 1);
  t.remove({kP0});
  EXPECT_EQ(t.held(), 0u);
}

}  // namespace
}  // namespace kc::pipeline
