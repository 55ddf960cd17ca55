# The attack lab's time series as two PNG plots. Variables set with -e:
#   csv         bench/out/lab/timeseries.csv (t_s,attack_offered,attack_dropped_kernel,
#               attack_reached_switch,legit_calls_attempted,legit_calls_completed)
#   packets_png attack packets offered, dropped in the kernel, reaching the switch
#   calls_png   legitimate calls attempted and completed
set datafile separator ","
set key autotitle columnhead
set terminal pngcairo size 960,480 font "sans,10"
set grid
set xlabel "time (s)"
set key outside right top vertical

set output packets_png
set title "Attack packets per second"
set ylabel "packets/s"
plot csv using 1:2 with steps lw 2 title "offered", \
     csv using 1:3 with steps lw 2 title "dropped in the kernel", \
     csv using 1:4 with steps lw 2 title "reaching the switch"

set output calls_png
set title "Legitimate calls per second under attack"
set ylabel "calls/s"
set yrange [0:*]
plot csv using 1:5 with linespoints lw 2 pt 7 ps 0.5 title "attempted", \
     csv using 1:6 with linespoints lw 2 pt 7 ps 0.5 title "completed"
unset output
