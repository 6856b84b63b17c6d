-- wrk script: every request reserves 1 ticket of one hot ticket type as a different buyer.
-- Env: TOKENS (file of access tokens, one per line), TICKET_TYPE (the ticket type id).
local tokens = {}
for line in io.lines(os.getenv("TOKENS") or "tokens.txt") do tokens[#tokens + 1] = line end
local body = '{"ticketTypeId":"' .. os.getenv("TICKET_TYPE") .. '","quantity":1,"paymentToken":"tok_visa"}'

local threads = 0
function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end

local i = nil
function request()
  -- Threads take interleaved tokens so no buyer is used twice (each would be refused by the hold limit).
  if i == nil then i = first end
  local token = tokens[(i % #tokens) + 1]
  i = i + 4
  return wrk.format("POST", "/api/reservations",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
