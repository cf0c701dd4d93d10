module sirenhost

go 1.19

require siren v0.0.0

replace siren => ../../bindings/go
