;; DBSCAN's pixel path for one trigger (dbscanKernel.ts drives it): dbscanPixel.ts's pixelTrigger
;; for eps < sqrt(5) (6 forward offsets, padded), without bounds checks or deoptimisations, the same
;; pairs in the same order, so the same labels. See dbscanPixel.ts for the method; in short:
;; per-pixel lists (HEAD, primaries; NEXT, duplicates), neighbour pairs (forward offsets of every
;; hit, then the duplicates' walks under a visit budget), counts, Rem's union-find, labels. One
;; difference: for minSamples <= 3 a trigger with border hits (a fifth of real ones) is labelled
;; from the components of all pairs too (see there why that is exact), not united again.
;; Hits are 1..len (hit l is row l-1 of the trigger; hit 0 is "none", its tof NaN), and every
;; column is indexed by hit, but the inputs: a block of rows that holds the trigger's at base + hit.
;; Layout (bytes): inputs X 0, Y 32768 (u16), TOF 65536 (f64), 16384 each. Per hit: ST
;; 196608 (f64, scaled tof), PIX 327680, NEXT 393216, CNT 458752, PARENT 524288, DUPS 589824,
;; LAB 655360 (i32; LAB is the output: hit l's label). Offsets: DELTA 720896 (i32) and D2 721024
;; (f64), the forward offsets (at most 32); FDELTA 721408 (6 i32) and FD2 721472 (6 f64), the same
;; padded to 6. PAIRS 786432 (i32 h << 16 | k, 2^18 of them). HEAD 2097152 (i32, 2^21 cells).
;; dbscanRun.wat's run() shares this memory (its inputs and output are above HEAD) and calls
;; trigger() once per trigger of its windows.
(module
  (memory (export "memory") 177 177)

  ;; Clears the pixels of hits 1..n in HEAD (all zero between triggers).
  (func $clear (param $n i32)
    (local $l i32)
    (local.set $l (i32.const 1))
    (block $end (loop $hits
      (br_if $end (i32.gt_u (local.get $l) (local.get $n)))
      (i32.store offset=2097152
        (i32.shl (i32.load offset=327680 (i32.shl (local.get $l) (i32.const 2))) (i32.const 2))
        (i32.const 0))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br $hits))))

  ;; Over pairs 0..np-1. mode 0: count the second hit and unite; 1: unite core pairs (CNT holds the
  ;; core flags); 2: count the second hit only. Rem's union with splicing, parents pointing down.
  (func $pairs (param $np i32) (param $mode i32)
    (local $e i32) (local $pair i32) (local $u i32) (local $v i32) (local $pu i32) (local $pv i32)
    (block $end (loop $each
      (br_if $end (i32.ge_u (local.get $e) (local.get $np)))
      (local.set $pair (i32.load offset=786432 (i32.shl (local.get $e) (i32.const 2))))
      (local.set $e (i32.add (local.get $e) (i32.const 1)))
      (local.set $u (i32.shr_u (local.get $pair) (i32.const 16)))
      (local.set $v (i32.and (local.get $pair) (i32.const 0xffff)))
      (if (i32.ne (local.get $mode) (i32.const 1))
        (then
          (i32.store offset=458752 (i32.shl (local.get $v) (i32.const 2))
            (i32.add (i32.load offset=458752 (i32.shl (local.get $v) (i32.const 2))) (i32.const 1)))
          (br_if $each (local.get $mode)))
        (else
          (br_if $each (i32.ne (i32.const 1)
            (i32.and (i32.load offset=458752 (i32.shl (local.get $u) (i32.const 2)))
                     (i32.load offset=458752 (i32.shl (local.get $v) (i32.const 2))))))))
      (local.set $pu (i32.load offset=524288 (i32.shl (local.get $u) (i32.const 2))))
      (local.set $pv (i32.load offset=524288 (i32.shl (local.get $v) (i32.const 2))))
      (block $united (loop $walk
        (br_if $united (i32.eq (local.get $pu) (local.get $pv)))
        (if (i32.gt_u (local.get $pu) (local.get $pv))
          (then
            (i32.store offset=524288 (i32.shl (local.get $u) (i32.const 2)) (local.get $pv))
            (br_if $united (i32.eq (local.get $u) (local.get $pu)))
            (local.set $u (local.get $pu))
            (local.set $pu (i32.load offset=524288 (i32.shl (local.get $u) (i32.const 2)))))
          (else
            (i32.store offset=524288 (i32.shl (local.get $v) (i32.const 2)) (local.get $pu))
            (br_if $united (i32.eq (local.get $v) (local.get $pv)))
            (local.set $v (local.get $pv))
            (local.set $pv (i32.load offset=524288 (i32.shl (local.get $v) (i32.const 2))))))
        (br $walk)))
      (br $each))))

  ;; Hits 1..len of a trigger (inputs at base + 1..base + len) into labels LAB[1..len], clusters
  ;; numbered from nc on; returns the new cluster count, or (HEAD cleared, LAB meaningless) -1 when a
  ;; coordinate is not below side, -2 when the duplicates' walks exceed the visit budget or the pair list.
  (func $trigger (export "trigger")
    (param $base i32) (param $len i32) (param $side i32) (param $stride i32) (param $pad i32)
    (param $nOff i32)    (param $eps2 f64) (param $minS i32) (param $scale f64) (param $nc i32) (result i32)
    (local $l i32) (local $r i32) (local $c i32) (local $h i32) (local $xl i32) (local $yl i32) (local $nDup i32)
    (local $np i32) (local $nFast i32) (local $np0 i32) (local $pk i32) (local $j i32) (local $k i32)
    (local $q i32) (local $o i32) (local $budget i32) (local $e i32) (local $u i32) (local $v i32)
    (local $need i32) (local $n i32) (local $lab i32) (local $borders i32) (local $cu i32)
    (local $t f64) (local $dt f64) (local $d f64)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $o4 i32) (local $o5 i32)
    (local $e0 f64) (local $e1 f64) (local $e2 f64) (local $e3 f64) (local $e4 f64) (local $e5 f64)
    (f64.store offset=196608 (i32.const 0) (f64.const nan))
    (local.set $need (i32.sub (local.get $minS) (i32.const 1)))
    ;; Per-pixel lists: a pixel's first hit is its primary, later ones are chained behind it.
    (local.set $l (i32.const 1))
    (block $built (loop $build
      (br_if $built (i32.gt_u (local.get $l) (local.get $len)))
      (local.set $r (i32.add (local.get $base) (local.get $l)))
      (local.set $xl (i32.load16_u (i32.shl (local.get $r) (i32.const 1))))
      (local.set $yl (i32.load16_u offset=32768 (i32.shl (local.get $r) (i32.const 1))))
      (if (i32.ge_u (i32.or (local.get $xl) (local.get $yl)) (local.get $side))
        (then
          (call $clear (i32.sub (local.get $l) (i32.const 1)))
          (return (i32.const -1))))
      (local.set $c (i32.add (i32.mul (i32.add (local.get $yl) (local.get $pad)) (local.get $stride))
                             (i32.add (local.get $xl) (local.get $pad))))
      (f64.store offset=196608 (i32.shl (local.get $l) (i32.const 3))
        (f64.mul (f64.load offset=65536 (i32.shl (local.get $r) (i32.const 3))) (local.get $scale)))
      (i32.store offset=327680 (i32.shl (local.get $l) (i32.const 2)) (local.get $c))
      (i32.store offset=524288 (i32.shl (local.get $l) (i32.const 2)) (local.get $l))
      (local.set $h (i32.load offset=2097152 (i32.shl (local.get $c) (i32.const 2))))
      (if (i32.eqz (local.get $h))
        (then
          (i32.store offset=2097152 (i32.shl (local.get $c) (i32.const 2)) (local.get $l))
          (i32.store offset=393216 (i32.shl (local.get $l) (i32.const 2)) (i32.const 0)))
        (else
          (i32.store offset=393216 (i32.shl (local.get $l) (i32.const 2))
            (i32.load offset=393216 (i32.shl (local.get $h) (i32.const 2))))
          (i32.store offset=393216 (i32.shl (local.get $h) (i32.const 2)) (local.get $l))
          (i32.store offset=589824 (i32.shl (local.get $nDup) (i32.const 2)) (local.get $l))
          (local.set $nDup (i32.add (local.get $nDup) (i32.const 1)))))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br $build)))
    (block $fail
      ;; Every hit against the primaries of its 6 forward offsets, written out, no branch (an empty
      ;; pixel reads hit 0, whose NaN never matches); a hit's count as first of a pair goes to CNT.
      ;; At most 6 * 16383 pairs: no capacity check.
      (local.set $o0 (i32.load offset=721408 (i32.const 0)))
      (local.set $e0 (f64.load offset=721472 (i32.const 0)))
      (local.set $o1 (i32.load offset=721412 (i32.const 0)))
      (local.set $e1 (f64.load offset=721480 (i32.const 0)))
      (local.set $o2 (i32.load offset=721416 (i32.const 0)))
      (local.set $e2 (f64.load offset=721488 (i32.const 0)))
      (local.set $o3 (i32.load offset=721420 (i32.const 0)))
      (local.set $e3 (f64.load offset=721496 (i32.const 0)))
      (local.set $o4 (i32.load offset=721424 (i32.const 0)))
      (local.set $e4 (f64.load offset=721504 (i32.const 0)))
      (local.set $o5 (i32.load offset=721428 (i32.const 0)))
      (local.set $e5 (f64.load offset=721512 (i32.const 0)))
      (local.set $l (i32.const 1))
      (block $fwdDone (loop $fwd
        (br_if $fwdDone (i32.gt_u (local.get $l) (local.get $len)))
        (local.set $t (f64.load offset=196608 (i32.shl (local.get $l) (i32.const 3))))
        (local.set $c (i32.load offset=327680 (i32.shl (local.get $l) (i32.const 2))))
        (local.set $pk (i32.shl (local.get $l) (i32.const 16)))
        (local.set $np0 (local.get $np))
        (local.set $j (i32.load offset=2097152 (i32.shl (i32.add (local.get $c) (local.get $o0)) (i32.const 2))))
        (local.set $dt (f64.sub (f64.load offset=196608 (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))
        (i32.store offset=786432 (i32.shl (local.get $np) (i32.const 2)) (i32.or (local.get $pk) (local.get $j)))
        (local.set $np (i32.add (local.get $np)
          (f64.le (f64.add (local.get $e0) (f64.mul (local.get $dt) (local.get $dt))) (local.get $eps2))))
        (local.set $j (i32.load offset=2097152 (i32.shl (i32.add (local.get $c) (local.get $o1)) (i32.const 2))))
        (local.set $dt (f64.sub (f64.load offset=196608 (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))
        (i32.store offset=786432 (i32.shl (local.get $np) (i32.const 2)) (i32.or (local.get $pk) (local.get $j)))
        (local.set $np (i32.add (local.get $np)
          (f64.le (f64.add (local.get $e1) (f64.mul (local.get $dt) (local.get $dt))) (local.get $eps2))))
        (local.set $j (i32.load offset=2097152 (i32.shl (i32.add (local.get $c) (local.get $o2)) (i32.const 2))))
        (local.set $dt (f64.sub (f64.load offset=196608 (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))
        (i32.store offset=786432 (i32.shl (local.get $np) (i32.const 2)) (i32.or (local.get $pk) (local.get $j)))
        (local.set $np (i32.add (local.get $np)
          (f64.le (f64.add (local.get $e2) (f64.mul (local.get $dt) (local.get $dt))) (local.get $eps2))))
        (local.set $j (i32.load offset=2097152 (i32.shl (i32.add (local.get $c) (local.get $o3)) (i32.const 2))))
        (local.set $dt (f64.sub (f64.load offset=196608 (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))
        (i32.store offset=786432 (i32.shl (local.get $np) (i32.const 2)) (i32.or (local.get $pk) (local.get $j)))
        (local.set $np (i32.add (local.get $np)
          (f64.le (f64.add (local.get $e3) (f64.mul (local.get $dt) (local.get $dt))) (local.get $eps2))))
        (local.set $j (i32.load offset=2097152 (i32.shl (i32.add (local.get $c) (local.get $o4)) (i32.const 2))))
        (local.set $dt (f64.sub (f64.load offset=196608 (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))
        (i32.store offset=786432 (i32.shl (local.get $np) (i32.const 2)) (i32.or (local.get $pk) (local.get $j)))
        (local.set $np (i32.add (local.get $np)
          (f64.le (f64.add (local.get $e4) (f64.mul (local.get $dt) (local.get $dt))) (local.get $eps2))))
        (local.set $j (i32.load offset=2097152 (i32.shl (i32.add (local.get $c) (local.get $o5)) (i32.const 2))))
        (local.set $dt (f64.sub (f64.load offset=196608 (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))
        (i32.store offset=786432 (i32.shl (local.get $np) (i32.const 2)) (i32.or (local.get $pk) (local.get $j)))
        (local.set $np (i32.add (local.get $np)
          (f64.le (f64.add (local.get $e5) (f64.mul (local.get $dt) (local.get $dt))) (local.get $eps2))))
        (i32.store offset=458752 (i32.shl (local.get $l) (i32.const 2)) (i32.sub (local.get $np) (local.get $np0)))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $fwd)))
      (local.set $nFast (local.get $np))
      ;; Each duplicate q against the earlier hits of its pixel and every hit of its backward
      ;; offsets (the primary without a branch, the chain walked under the budget).
      (local.set $budget (i32.add (i32.shl (local.get $len) (i32.const 5)) (i32.const 1024)))
      (block $dupsDone (loop $dups
        (br_if $dupsDone (i32.ge_u (local.get $k) (local.get $nDup)))
        (br_if $fail (i32.ge_u (i32.add (local.get $np) (local.get $nOff)) (i32.const 262144)))
        (local.set $q (i32.load offset=589824 (i32.shl (local.get $k) (i32.const 2))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $t (f64.load offset=196608 (i32.shl (local.get $q) (i32.const 3))))
        (local.set $c (i32.load offset=327680 (i32.shl (local.get $q) (i32.const 2))))
        (local.set $j (i32.load offset=2097152 (i32.shl (local.get $c) (i32.const 2))))
        (block $ownDone (loop $own
          (br_if $ownDone (i32.eqz (local.get $j)))
          (local.set $budget (i32.sub (local.get $budget) (i32.const 1)))
          (br_if $fail (i32.lt_s (local.get $budget) (i32.const 0)))
          (br_if $fail (i32.eq (local.get $np) (i32.const 262144)))
          (local.set $dt (f64.sub (f64.load offset=196608 (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))
          (if (i32.and (i32.lt_u (local.get $j) (local.get $q))
                       (f64.le (f64.mul (local.get $dt) (local.get $dt)) (local.get $eps2)))
            (then
              (i32.store offset=786432 (i32.shl (local.get $np) (i32.const 2))
                (i32.or (i32.shl (local.get $j) (i32.const 16)) (local.get $q)))
              (local.set $np (i32.add (local.get $np) (i32.const 1)))))
          (local.set $j (i32.load offset=393216 (i32.shl (local.get $j) (i32.const 2))))
          (br $own)))
        (local.set $o (i32.const 0))
        (block $offsDone (loop $offs
          (br_if $offsDone (i32.ge_u (local.get $o) (local.get $nOff)))
          (local.set $d (f64.load offset=721024 (i32.shl (local.get $o) (i32.const 3))))
          (local.set $j (i32.load offset=2097152 (i32.shl
            (i32.sub (local.get $c) (i32.load offset=720896 (i32.shl (local.get $o) (i32.const 2))))
            (i32.const 2))))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))
          (local.set $dt (f64.sub (f64.load offset=196608 (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))
          (i32.store offset=786432 (i32.shl (local.get $np) (i32.const 2))
            (i32.or (i32.shl (local.get $j) (i32.const 16)) (local.get $q)))
          (local.set $np (i32.add (local.get $np)
            (f64.le (f64.add (local.get $d) (f64.mul (local.get $dt) (local.get $dt))) (local.get $eps2))))
          (local.set $j (i32.load offset=393216 (i32.shl (local.get $j) (i32.const 2))))
          (block $walkDone (loop $walk
            (br_if $walkDone (i32.eqz (local.get $j)))
            (local.set $budget (i32.sub (local.get $budget) (i32.const 1)))
            (br_if $fail (i32.lt_s (local.get $budget) (i32.const 0)))
            (br_if $fail (i32.eq (local.get $np) (i32.const 262144)))
            (local.set $dt (f64.sub (f64.load offset=196608 (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))
            (if (f64.le (f64.add (local.get $d) (f64.mul (local.get $dt) (local.get $dt))) (local.get $eps2))
              (then
                (i32.store offset=786432 (i32.shl (local.get $np) (i32.const 2))
                  (i32.or (i32.shl (local.get $j) (i32.const 16)) (local.get $q)))
                (local.set $np (i32.add (local.get $np) (i32.const 1)))))
            (local.set $j (i32.load offset=393216 (i32.shl (local.get $j) (i32.const 2))))
            (br $walk)))
          (br $offs)))
        (br $dups)))
      ;; Neighbour counts: the first hits of the duplicates' pairs, then every second hit.
      (local.set $e (local.get $nFast))
      (block $firstDone (loop $first
        (br_if $firstDone (i32.ge_u (local.get $e) (local.get $np)))
        (local.set $u (i32.shr_u (i32.load offset=786432 (i32.shl (local.get $e) (i32.const 2))) (i32.const 16)))
        (i32.store offset=458752 (i32.shl (local.get $u) (i32.const 2))
          (i32.add (i32.load offset=458752 (i32.shl (local.get $u) (i32.const 2))) (i32.const 1)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $first)))
      (if (i32.le_s (local.get $minS) (i32.const 3))
        (then
;; Unite every pair while counting. With need <= 2 a hit that is not core has at most one
          ;; neighbour: it bridges nothing, so the components of all pairs are the clusters plus their
          ;; border hits, and pairs of two such hits (noise). Ascending (parents point down, a
          ;; component's root is its first hit), each hit's parent becomes its root; a cluster's
          ;; label, kept at its root, is given at its first core hit; border hits take it after.
          (call $pairs (local.get $np) (i32.const 0))
          (local.set $l (i32.const 1))
          (block $allDone (loop $all
            (br_if $allDone (i32.gt_u (local.get $l) (local.get $len)))
            (local.set $cu (i32.ge_s (i32.load offset=458752 (i32.shl (local.get $l) (i32.const 2))) (local.get $need)))
            (local.set $h (i32.load offset=524288 (i32.shl (local.get $l) (i32.const 2))))
            (if (i32.eq (local.get $h) (local.get $l))
              (then
                (local.set $lab (select (local.get $nc) (i32.const -1) (local.get $cu)))
                (local.set $nc (i32.add (local.get $nc) (local.get $cu))))
              (else
                (local.set $h (i32.load offset=524288 (i32.shl (local.get $h) (i32.const 2))))
                (i32.store offset=524288 (i32.shl (local.get $l) (i32.const 2)) (local.get $h))
                (local.set $lab (i32.load offset=655360 (i32.shl (local.get $h) (i32.const 2))))
                (if (local.get $cu)
                  (then
                    (if (i32.lt_s (local.get $lab) (i32.const 0))
                      (then
                        (local.set $lab (local.get $nc))
                        (local.set $nc (i32.add (local.get $nc) (i32.const 1)))
                        (i32.store offset=655360 (i32.shl (local.get $h) (i32.const 2)) (local.get $lab)))))
                  (else (local.set $borders (i32.const 1))))))
            (i32.store offset=655360 (i32.shl (local.get $l) (i32.const 2)) (local.get $lab))
            (local.set $l (i32.add (local.get $l) (i32.const 1)))
            (br $all)))
          (if (local.get $borders)
            (then
              (local.set $l (i32.const 1))
              (block $bDone (loop $b
                (br_if $bDone (i32.gt_u (local.get $l) (local.get $len)))
                (if (i32.lt_s (i32.load offset=458752 (i32.shl (local.get $l) (i32.const 2))) (local.get $need))
                  (then
                    (i32.store offset=655360 (i32.shl (local.get $l) (i32.const 2))
                      (i32.load offset=655360 (i32.shl
                        (i32.load offset=524288 (i32.shl (local.get $l) (i32.const 2))) (i32.const 2))))))
                (local.set $l (i32.add (local.get $l) (i32.const 1)))
                (br $b)))))
          (call $clear (local.get $len))
          (return (local.get $nc)))
        (else (call $pairs (local.get $np) (i32.const 2))))
      (call $clear (local.get $len))
      ;; The general labelling: core flags, components of core pairs (root = first hit), labels in
      ;; first-core order, then each border hit the smallest label among its core neighbours.
      (local.set $l (i32.const 1))
      (block $coreDone (loop $core
        (br_if $coreDone (i32.gt_u (local.get $l) (local.get $len)))
        (local.set $n (i32.load offset=458752 (i32.shl (local.get $l) (i32.const 2))))
        (local.set $cu (i32.ge_s (local.get $n) (local.get $need)))
        (local.set $borders (i32.add (local.get $borders)
          (i32.and (i32.gt_s (local.get $n) (i32.const 0)) (i32.xor (local.get $cu) (i32.const 1)))))
        (i32.store offset=458752 (i32.shl (local.get $l) (i32.const 2)) (local.get $cu))
        (i32.store offset=524288 (i32.shl (local.get $l) (i32.const 2)) (local.get $l))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $core)))
      (call $pairs (local.get $np) (i32.const 1))
      (local.set $l (i32.const 1))
      (block $labDone (loop $labs
        (br_if $labDone (i32.gt_u (local.get $l) (local.get $len)))
        (local.set $lab (i32.const -1))
        (if (i32.load offset=458752 (i32.shl (local.get $l) (i32.const 2)))
          (then
            (local.set $h (i32.load offset=524288 (i32.shl
              (i32.load offset=524288 (i32.shl (local.get $l) (i32.const 2))) (i32.const 2))))
            (i32.store offset=524288 (i32.shl (local.get $l) (i32.const 2)) (local.get $h))
            (if (i32.eq (local.get $h) (local.get $l))
              (then
                (local.set $lab (local.get $nc))
                (local.set $nc (i32.add (local.get $nc) (i32.const 1))))
              (else (local.set $lab (i32.load offset=655360 (i32.shl (local.get $h) (i32.const 2))))))))
        (i32.store offset=655360 (i32.shl (local.get $l) (i32.const 2)) (local.get $lab))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $labs)))
      (if (local.get $borders)
        (then
          (local.set $e (i32.const 0))
          (block $bordersDone (loop $border
            (br_if $bordersDone (i32.ge_u (local.get $e) (local.get $np)))
            (local.set $j (i32.load offset=786432 (i32.shl (local.get $e) (i32.const 2))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (local.set $u (i32.shr_u (local.get $j) (i32.const 16)))
            (local.set $v (i32.and (local.get $j) (i32.const 0xffff)))
            (local.set $cu (i32.load offset=458752 (i32.shl (local.get $u) (i32.const 2))))
            (br_if $border (i32.eq (local.get $cu) (i32.load offset=458752 (i32.shl (local.get $v) (i32.const 2)))))
            ;; h: the border hit, lab: its core neighbour's label.
            (local.set $h (select (local.get $v) (local.get $u) (local.get $cu)))
            (local.set $lab (i32.load offset=655360 (i32.shl (select (local.get $u) (local.get $v) (local.get $cu)) (i32.const 2))))
            (local.set $n (i32.load offset=655360 (i32.shl (local.get $h) (i32.const 2))))
            (if (i32.or (i32.lt_s (local.get $n) (i32.const 0)) (i32.lt_s (local.get $lab) (local.get $n)))
              (then (i32.store offset=655360 (i32.shl (local.get $h) (i32.const 2)) (local.get $lab))))
            (br $border)))))
      (return (local.get $nc)))
    (call $clear (local.get $len))
    (i32.const -2))
)
