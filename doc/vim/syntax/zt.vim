" Vim syntax file for ztopo descriptions (ztopo(5)), installed by
" `make install`.  The language has no reserved words: a statement is a
" directive word, values, and a block or ';'.  So this file lists none of
" them (they live in ztopo's own tables); it colours the shape: the
" directive word, strings with their escapes, numbers, sizes, addresses,
" true and false, `secret NAME`, comments, braces and brackets.
if exists("b:current_syntax")
  finish
endif

syn match   ztComment   "#.*$" contains=@Spell
syn region  ztString    start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contains=ztEscape
syn match   ztEscape    contained +\\\(["\\nrt]\|x\x\x\|u{\x\+}\)+
syn match   ztAddress   "\<\d\+\.\d\+\.\d\+\.\d\+\(/\d\+\)\=\>"
syn match   ztSize      "-\=\<\d\+[KMGTkmgt]\>"
syn match   ztNumber    "-\=\<\d\+\(\.\d\+\)\=\>"
syn keyword ztBoolean   true false
syn match   ztSecret    "\<secret\s\+[A-Za-z_][A-Za-z0-9_.-]*" contains=ztSecretWord
syn match   ztSecretWord contained "\<secret\>"
syn match   ztDirective "^\s*\zs[A-Za-z_][A-Za-z0-9_.-]*"
syn match   ztDirective "[{;]\s*\zs[A-Za-z_][A-Za-z0-9_.-]*"
syn match   ztDelimiter "[{}\[\];,]"

hi def link ztComment    Comment
hi def link ztString     String
hi def link ztEscape     SpecialChar
hi def link ztAddress    Constant
hi def link ztSize       Number
hi def link ztNumber     Number
hi def link ztBoolean    Boolean
hi def link ztSecret     Identifier
hi def link ztSecretWord Special
hi def link ztDirective  Statement
hi def link ztDelimiter  Delimiter

let b:current_syntax = "zt"
