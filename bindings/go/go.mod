module siren

go 1.19
