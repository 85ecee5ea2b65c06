" ztopo descriptions: *.zt (ztopo(5))
autocmd BufRead,BufNewFile *.zt setfiletype zt
