#pragma once
// The control token and the file it lives in. Whoever can read the file controls the engine (a reload
// runs any script as the engine's user), so the file and the runtime directory it sits in are created
// exclusively and checked to be ours and private; anything else is refused with the path and the fix.

#include <string>

namespace wsgi::hosting {

// A new random token (hex).
std::string newControlToken();

struct TokenFile
{
    std::string path;
    std::string token;
    bool created = false; // the engine made this file (and removes it on exit when it chose the path)
};

// The token in `path`: read from an existing file only we own and can read (an empty one gets a new
// token), or a new token in a file created exclusively (O_EXCL, no symlinks followed) with mode 0600.
// False with `error` naming the file, what is wrong and how to fix it.
bool openTokenFile(const std::string& path, TokenFile& out, std::string& error);

// A new token in a new file of the default runtime directory: $XDG_RUNTIME_DIR (or /tmp)/
// wsgi-engine-<uid>/control-<pid>.token. The directory is created 0700, or must already be a real
// directory owned by us that no one else can enter.
bool createDefaultTokenFile(TokenFile& out, std::string& error);

// The directory createDefaultTokenFile uses.
std::string defaultRuntimeDirectory();

} // namespace wsgi::hosting
