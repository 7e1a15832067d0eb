// A module as another build of the sensor would make it: the loader must refuse it.
extern "C" __attribute__((visibility("default"))) const char* sensor_module_abi() {
    return "sensor-0.0.0-abi0";
}

extern "C" __attribute__((visibility("default"))) int sensor_test_symbol() {
    return 42;
}
