-- Dovecot 2.4: a Lua passdb that asks the Wachter agent, the replacement for the
-- checkpassword passdb that 2.4 removed. It speaks the agent's framed protocol
-- (docs/PROTOCOL.md) over the agent's Unix socket with luasocket (Debian: lua-socket)
-- and answers Dovecot's auth_password_verify; every attempt is recorded and counted
-- towards lockout by the agent. The password goes only onto the socket.
--
-- Dovecot 2.4 (see auth-wachter-lua.conf.ext):
--   passdb lua {
--     lua_file = /etc/dovecot/wachter-passdb.lua
--   }
-- The auth worker (root by default) must be allowed by the agent: root is.
local unix = require("socket.unix")

-- The agent's socket and how long to wait for it, in seconds.
local agent_socket = "/run/wachter/agent.sock"
local timeout = 3

local AUTHENTICATE = 1
local codes = {
  [0] = "success", [1] = "failure", [2] = "expired", [3] = "locked",
  [4] = "unknown user", [5] = "policy refusal", [6] = "denied", [127] = "error",
}

-- One field: a 2-byte big-endian length, then the bytes; one frame: version 1, a
-- 4-byte big-endian body length, then the body (docs/PROTOCOL.md).
local function frame(kind, fields)
  local parts = { string.char(kind) }
  for _, value in ipairs(fields) do
    if #value > 4096 then return nil end
    parts[#parts + 1] = string.pack(">s2", value)
  end
  local body = table.concat(parts)
  if #body > 8192 then return nil end
  return string.pack(">BI4", 1, #body) .. body
end

-- Sends one request and reads one answer: the code and the reason, or nil and an error.
local function ask(request)
  local connection = (unix.stream or unix)()
  connection:settimeout(timeout)
  local ok, err = connection:connect(agent_socket)
  if not ok then
    connection:close()
    return nil, "the agent is unreachable: " .. tostring(err)
  end
  local sent, send_err = connection:send(request)
  if not sent then
    connection:close()
    return nil, "cannot write to the agent: " .. tostring(send_err)
  end
  local head = connection:receive(5)
  if head == nil then
    connection:close()
    return nil, "no answer from the agent"
  end
  local version, length = string.unpack(">BI4", head)
  if version ~= 1 or length < 3 or length > 8192 then
    connection:close()
    return nil, "the agent's answer is not a frame"
  end
  local body = connection:receive(length)
  connection:close()
  if body == nil or #body ~= length then return nil, "the agent's answer was cut short" end
  local code = body:byte(1)
  local ok_reason, reason, next_index = pcall(string.unpack, ">s2", body, 2)
  if not ok_reason or next_index ~= length + 1 then return nil, "the agent's answer is malformed" end
  return code, reason
end

function auth_password_verify(request, password)
  local result = dovecot.auth
  local protocol = request.protocol or request.service or ""
  local source = request.remote_ip or ""
  local message = frame(AUTHENTICATE, { "dovecot-" .. protocol, request.user, source, password })
  if message == nil then return result.PASSDB_RESULT_PASSWORD_MISMATCH, "the login or password is too long" end
  local code, reason = ask(message)
  if code == nil then return result.PASSDB_RESULT_INTERNAL_FAILURE, reason end
  local name = codes[code]
  if name == "success" then return result.PASSDB_RESULT_OK, {} end
  if name == "failure" then return result.PASSDB_RESULT_PASSWORD_MISMATCH, reason end
  if name == "expired" then return result.PASSDB_RESULT_PASS_EXPIRED, reason end
  if name == "locked" then return result.PASSDB_RESULT_USER_DISABLED, reason end
  if name == "unknown user" then return result.PASSDB_RESULT_USER_UNKNOWN, reason end
  -- denied, error, or a code this script does not know: fail closed.
  return result.PASSDB_RESULT_INTERNAL_FAILURE, "the agent answered " .. (name or tostring(code)) .. ": " .. reason
end

-- The agent only verifies; it never hands out a password or a hash.
function auth_passdb_lookup(request)
  return dovecot.auth.PASSDB_RESULT_INTERNAL_FAILURE, "wachter verifies passwords only (no credentials lookup)"
end
