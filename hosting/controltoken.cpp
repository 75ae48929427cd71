#include "controltoken.h"

#include "uniquefd.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wsgi::hosting {
namespace {

std::string octalMode(mode_t mode)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", unsigned(mode & 07777));
    return buf;
}

// The owner and mode rules for a token file or its directory, on an open descriptor (no race with
// a rename between the check and the use). `what` names it in the message.
bool checkPrivate(int fd, const std::string& path, bool directory, std::string& error)
{
    struct stat st
    {
    };
    if (fstat(fd, &st) != 0) {
        error = "cannot check " + path + ": " + std::strerror(errno);
        return false;
    }
    const char* kind = directory ? "directory" : "control token file";
    if (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        error = std::string("the ") + kind + " " + path + " is not a " +
                (directory ? "directory" : "regular file") + "; remove it or choose another path";
        return false;
    }
    if (st.st_uid != getuid()) {
        error = std::string("the ") + kind + " " + path + " belongs to uid " + std::to_string(st.st_uid) +
                ", not to this user (uid " + std::to_string(getuid()) +
                "): another user may have created it to read the control token. Remove it (as that user or "
                "root), or choose a private place with --control-token-file or XDG_RUNTIME_DIR";
        return false;
    }
    if (st.st_mode & 077) {
        const std::string fix = directory ? "chmod 700 " : "chmod 600 ";
        error = std::string("the ") + kind + " " + path + " is open to other users (mode " +
                octalMode(st.st_mode) + "); anyone who can read the token controls the engine. Fix: " + fix +
                path;
        return false;
    }
    return true;
}

bool writeToken(int fd, const std::string& path, const std::string& token, std::string& error)
{
    const std::string text = token + "\n";
    if (ftruncate(fd, 0) != 0 || pwrite(fd, text.data(), text.size(), 0) != ssize_t(text.size())) {
        error = "cannot write the control token to " + path + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

// Creates `name` (relative to `dirFd`, or a path when dirFd is AT_FDCWD) exclusively with a new token.
bool createExclusive(int dirFd, const std::string& name, const std::string& path, TokenFile& out,
                     std::string& error)
{
    UniqueFd fd(openat(dirFd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) {
        error = "cannot create the control token file " + path + ": " + std::strerror(errno);
        if (errno == EEXIST)
            error += " (it appeared while the engine created it; remove it or choose another path)";
        return false;
    }
    if (!checkPrivate(fd.get(), path, false, error))
        return false;
    out.path = path;
    out.token = newControlToken();
    out.created = true;
    return writeToken(fd.get(), path, out.token, error);
}

} // namespace

std::string newControlToken()
{
    unsigned char bytes[24];
    size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n > 0)
            got += size_t(n);
    }
    static const char* hex = "0123456789abcdef";
    std::string token;
    for (unsigned char b : bytes) {
        token += hex[b >> 4];
        token += hex[b & 15];
    }
    return token;
}

bool openTokenFile(const std::string& path, TokenFile& out, std::string& error)
{
    out = TokenFile{};
    // O_NOFOLLOW: a symlink planted at the path is refused, never followed to a file someone else reads.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            return createExclusive(AT_FDCWD, path, path, out, error);
        error = "cannot open the control token file " + path + ": " + std::strerror(errno);
        if (errno == ELOOP)
            error = "the control token file " + path +
                    " is a symbolic link, which is refused (its target may be readable by others); give the "
                    "real file's path or remove the link";
        return false;
    }
    if (!checkPrivate(fd.get(), path, false, error))
        return false;
    char buf[4096];
    const ssize_t n = pread(fd.get(), buf, sizeof buf, 0);
    if (n < 0) {
        error = "cannot read the control token file " + path + ": " + std::strerror(errno);
        return false;
    }
    std::string token(buf, size_t(n));
    token = token.substr(0, token.find('\n'));
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ' || token.back() == '\t'))
        token.pop_back();
    out.path = path;
    if (token.empty()) {
        out.token = newControlToken();
        return writeToken(fd.get(), path, out.token, error);
    }
    out.token = token;
    return true;
}

std::string defaultRuntimeDirectory()
{
    const char* runtime = getenv("XDG_RUNTIME_DIR");
    return std::string(runtime && *runtime ? runtime : "/tmp") + "/wsgi-engine-" + std::to_string(getuid());
}

bool createDefaultTokenFile(TokenFile& out, std::string& error)
{
    const std::string dir = defaultRuntimeDirectory();
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        error = "cannot create the runtime directory " + dir + ": " + std::strerror(errno) +
                " (choose the token file with --control-token-file)";
        return false;
    }
    // Whether we made it or it was there, it must be a directory of ours that no one else can enter:
    // in /tmp another user can create the name first.
    UniqueFd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dirFd) {
        error = "cannot open the runtime directory " + dir + ": " + std::strerror(errno);
        if (errno == ELOOP || errno == ENOTDIR)
            error = "the runtime directory " + dir +
                    " is a symbolic link or not a directory; another user may have created it to read the "
                    "control token. Remove it, or choose a private place with --control-token-file or "
                    "XDG_RUNTIME_DIR";
        return false;
    }
    if (!checkPrivate(dirFd.get(), dir, true, error))
        return false;
    const std::string name = "control-" + std::to_string(getpid()) + ".token";
    // Only we can write in the directory, so a file of this name is one an earlier engine with the
    // same pid left behind.
    unlinkat(dirFd.get(), name.c_str(), 0);
    return createExclusive(dirFd.get(), name, dir + "/" + name, out, error);
}

} // namespace wsgi::hosting
