#include "hosting/uniquefd.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

using wsgi::hosting::UniqueFd;

namespace {

bool isOpen(int fd)
{
    return ::fcntl(fd, F_GETFD) != -1;
}

int openPipe(int& other)
{
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    other = fds[1];
    return fds[0];
}

} // namespace

TEST(UniqueFd, ClosesOnDestruction)
{
    int writeEnd = -1;
    int readEnd = openPipe(writeEnd);
    {
        UniqueFd owner(readEnd);
        EXPECT_TRUE(owner.valid());
        EXPECT_EQ(owner.get(), readEnd);
    }
    EXPECT_FALSE(isOpen(readEnd));
    ::close(writeEnd);
}

TEST(UniqueFd, MoveTransfersOwnership)
{
    int writeEnd = -1;
    int readEnd = openPipe(writeEnd);
    UniqueFd first(readEnd);
    UniqueFd second(std::move(first));
    EXPECT_FALSE(first.valid());
    EXPECT_EQ(second.get(), readEnd);
    UniqueFd third;
    third = std::move(second);
    EXPECT_FALSE(second.valid());
    EXPECT_TRUE(isOpen(readEnd));
    third.reset();
    EXPECT_FALSE(isOpen(readEnd));
    ::close(writeEnd);
}

TEST(UniqueFd, ReleaseKeepsTheDescriptorOpen)
{
    int writeEnd = -1;
    int readEnd = openPipe(writeEnd);
    int released = -1;
    {
        UniqueFd owner(readEnd);
        released = owner.release();
        EXPECT_FALSE(owner.valid());
    }
    EXPECT_EQ(released, readEnd);
    EXPECT_TRUE(isOpen(readEnd));
    ::close(readEnd);
    ::close(writeEnd);
}

TEST(UniqueFd, ResetClosesThePreviousDescriptor)
{
    int writeEnd = -1;
    int readEnd = openPipe(writeEnd);
    UniqueFd owner(readEnd);
    owner.reset(writeEnd);
    EXPECT_FALSE(isOpen(readEnd));
    EXPECT_EQ(owner.get(), writeEnd);
    owner.reset(writeEnd); // the same descriptor again is not closed
    EXPECT_TRUE(isOpen(writeEnd));
}
