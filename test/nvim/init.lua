-- Headless Neovim (0.7+) as a second real LSP client: starts `shutten serve --stdio` (dist/cli.js) on the
-- draft given on the command line and checks diagnostics, hover and completion. Driven by
-- runNvim.sh, which passes the keys and title through the environment. Everything runs in a
-- VimEnter autocmd because `-u init.lua` is sourced before the file arguments are loaded.
-- Exit code: 0 on pass, 1 (cquit) on failure.
local env = function(name)
  local v = os.getenv(name)
  if v == nil or v == '' then
    io.stderr:write('NVIM FAIL missing environment variable ' .. name .. '\n')
    vim.cmd('cquit 1')
  end
  return v
end

local server = env('SHUTTEN_SERVER')
local node = os.getenv('SHUTTEN_NODE') or 'node'
local known_key = env('SHUTTEN_KNOWN_KEY')
local known_title = env('SHUTTEN_KNOWN_TITLE')
local unknown_key = env('SHUTTEN_UNKNOWN_KEY')
local all_keys = vim.split(env('SHUTTEN_KEYS'), ',', { plain = true })

local function out(line) io.stdout:write(line .. '\n') end
local function fail(msg)
  io.stdout:write('NVIM FAIL ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

-- LSP positions count UTF-16 code units; Neovim columns count bytes.
local function position_of(buf, needle, offset)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = string.find(line, needle, 1, true)
    if s then
      local byte_col = s - 1 + (offset or 0)
      local _, utf16 = vim.str_utfindex(line, byte_col)
      return { line = i - 1, character = utf16 }
    end
  end
  fail('text not found in buffer: ' .. needle)
end

local function only_result(responses, what)
  if not responses then fail(what .. ': no response (timeout)') end
  for _, r in pairs(responses) do
    if r.err then fail(what .. ': error ' .. vim.inspect(r.err)) end
    return r.result
  end
  fail(what .. ': empty response')
end

local function run()
  local buf = vim.api.nvim_get_current_buf()
  local root = vim.fn.getcwd()
  local client_id = vim.lsp.start_client({
    name = 'shutten',
    cmd = { node, server, 'serve', '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'workspace' } },
    on_exit = function(code, signal)
      if code ~= 0 then io.stdout:write('server exited with ' .. tostring(code) .. '/' .. tostring(signal) .. '\n') end
    end,
  })
  if not client_id then fail('start_client returned nil') end
  vim.bo[buf].filetype = 'markdown'
  vim.lsp.buf_attach_client(buf, client_id)

  -- Diagnostics: unknown-source at the unknown key.
  local ok = vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  if not ok then fail('no diagnostics within 60 s') end
  local found = false
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    out(string.format('DIAG %d:%d severity=%d %s %s', d.lnum + 1, d.col + 1, d.severity, tostring(code), d.message))
    local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
    if code == 'unknown-source' and string.find(line, unknown_key, 1, true) then found = true end
  end
  if not found then fail('no unknown-source diagnostic on the line with ' .. unknown_key) end

  -- Hover on the known key shows the source's title.
  local doc = { uri = vim.uri_from_bufnr(buf) }
  local hover = only_result(vim.lsp.buf_request_sync(buf, 'textDocument/hover',
    { textDocument = doc, position = position_of(buf, '@' .. known_key, 3) }, 10000), 'hover')
  if not hover then fail('hover returned null') end
  local lines = vim.lsp.util.convert_input_to_markdown_lines(hover.contents)
  local text = table.concat(lines, '\n')
  out('HOVER ' .. (vim.split(text, '\n', { plain = true })[1] or ''))
  if not string.find(text, known_title, 1, true) then fail('hover lacks the title ' .. known_title .. ': ' .. text) end

  -- Completion after `[@`, straight after Japanese text (with the `]` an auto-pair would add).
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, { '', '続報は[@]' })
  local completion = only_result(vim.lsp.buf_request_sync(buf, 'textDocument/completion',
    { textDocument = doc, position = position_of(buf, '続報は[@', #'続報は[@'),
      context = { triggerKind = 2, triggerCharacter = '@' } }, 10000), 'completion')
  local items = completion and (completion.items or completion) or {}
  local labels = {}
  for _, item in ipairs(items) do table.insert(labels, item.label) end
  out('COMPLETION ' .. table.concat(labels, ','))
  for _, key in ipairs(all_keys) do
    if not vim.tbl_contains(labels, key) then fail('completion lacks ' .. key) end
  end

  vim.lsp.stop_client(client_id)
  out('NVIM PASS')
  vim.cmd('qall!')
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local ok, err = pcall(run)
    if not ok then fail(tostring(err)) end
  end,
})
